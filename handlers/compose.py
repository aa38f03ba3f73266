"""Type something once, see it back exactly as it will go out, then confirm or drop it.

Shared by the agenda (a topic), anonymous sharing (a reflection) and broadcasts (a message).
The words wait in memory (user_data) between the typing and the confirming, never in the
database; a restart in between simply drops them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.context import BotContext
from handlers.common import (
    Buttons,
    Person,
    callback_parts,
    new_nonce,
    reply,
    start_waiting,
    stop_waiting,
    waiting_for,
)


@dataclass(frozen=True)
class Compose:
    awaiting: str  # what user_data[AWAITING] holds while waiting for the words
    pending_key: str  # where the words wait for confirmation
    area: str  # callback area: "<area>:<confirm_action>|drop:<nonce>"
    confirm_action: str
    templates: str  # "<templates>_words_only" and "<templates>_too_long"
    limit: int
    collapse_spaces: bool = False

    def begin(self, context: BotContext, **data: Any) -> None:
        """Wait for the person's words; `data` travels with them to the confirmation."""
        assert context.user_data is not None
        start_waiting(context, self.awaiting)
        context.user_data[self.pending_key] = {"nonce": new_nonce(), "text": "", **data}

    async def take(
        self, update: Update, context: BotContext, person: Person
    ) -> dict[str, Any] | bool:
        """The typed words. False: not waiting for them (another feature's message). True:
        answered already (not words, or too long). A dict: the pending item, words in "text",
        ready to be shown back."""
        if context.user_data is None or not waiting_for(context, self.awaiting):
            return False
        pending = context.user_data.get(self.pending_key)
        message = update.effective_message
        if pending is None or message is None:
            stop_waiting(context)
            return False
        raw = message.text or ""
        text = " ".join(raw.split()) if self.collapse_spaces else raw.strip()
        if not text:
            await reply(update, context, f"{self.templates}_words_only", person.lang)
            return True
        if len(text) > self.limit:
            await reply(
                update,
                context,
                f"{self.templates}_too_long",
                person.lang,
                limit=self.limit,
                length=len(text),
            )
            return True
        stop_waiting(context)
        pending["text"] = text
        return dict(pending)

    def buttons(
        self,
        context: BotContext,
        lang: str,
        pending: dict[str, Any],
        confirm_label: str,
        drop_label: str,
        **label_values: Any,
    ) -> Buttons:
        nonce = pending["nonce"]
        return [
            [
                (
                    context.prompts.label(confirm_label, lang, **label_values),
                    f"{self.area}:{self.confirm_action}:{nonce}",
                ),
                (context.prompts.label(drop_label, lang), f"{self.area}:drop:{nonce}"),
            ]
        ]

    async def pressed(
        self, update: Update, context: BotContext, person: Person
    ) -> tuple[bool, dict[str, Any]] | None:
        """(confirmed, pending) for a press on the current preview's buttons; None, with the
        press answered, for a stale or forged one. The pending item is used up either way."""
        query = update.callback_query
        parts = callback_parts(update)
        if query is None or parts is None or context.user_data is None:
            return None
        _, action, nonce = parts
        pending = context.user_data.get(self.pending_key)
        if not pending or pending["nonce"] != nonce or not pending["text"]:
            await query.answer(context.prompts.label("button_expired", person.lang))
            return None
        del context.user_data[self.pending_key]
        return action == self.confirm_action, pending

    @property
    def pattern(self) -> str:
        return rf"^{self.area}:({self.confirm_action}|drop):[0-9a-f]{{8}}$"
