"""Helpers every handler module shares: who is writing, replying in their language, buttons."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.config import Team
from bot.context import BotContext
from storage import Member, Role

# Callback data is "<area>:<action>[:<argument>]", at most 64 bytes, ASCII only.
CALLBACK_PATTERN = re.compile(r"^[a-z]{1,12}:[a-z]{1,12}(?::[A-Za-z0-9_-]{1,40})?$")

Buttons = Sequence[Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class Person:
    """The sender of an update as the bot sees them: stored record, role from config, language."""

    user_id: int
    chat_id: int
    member: Member | None
    coordinates: tuple[Team, ...]
    lang: str

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinates)

    @property
    def role(self) -> Role | None:
        if self.coordinates:
            return Role.COORDINATOR
        return Role.MEMBER if self.member else None

    @property
    def team_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.coordinates)


async def who(update: Update, context: BotContext) -> Person | None:
    """Look the sender up; None for updates without a person (channel posts and the like)."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return None
    member = await context.repo.get_member(user.id)
    coordinates = context.config.coordinated_teams(user.id)
    if member is not None:
        lang = member.language
    else:
        default = coordinates[0].language if coordinates else context.config.default_language
        lang = context.prompts.language(user.language_code, default)
    return Person(user.id, chat.id, member, coordinates, lang)


async def member_or_refuse(update: Update, context: BotContext, refusal: str) -> Person | None:
    """The sender if they are a member; anyone else gets `refusal` (or, on a button, a short
    "that's for team members")."""
    person = await who(update, context)
    if person is None:
        return None
    if person.member is None:
        if update.callback_query:
            await update.callback_query.answer(
                context.prompts.label("members_only", person.lang), show_alert=True
            )
        else:
            await reply(update, context, refusal, person.lang, coordinator=person.is_coordinator)
        return None
    return person


AWAITING = "awaiting"
# A prompt waiting for typed words ("send me your time zone") lapses after this long, so a
# forgotten one never swallows a message days later.
AWAITING_SECONDS = 30 * 60
# Everything that waits for the person's next words or press, in memory only.
WAITING_KEYS = (AWAITING, "agenda_pending", "share_pending", "broadcast_pending", "nudge_draft")


def start_waiting(context: BotContext, what: str) -> None:
    """The next typed message is for `what` (for the next half hour)."""
    assert context.user_data is not None
    context.user_data[AWAITING] = {"what": what, "since": context.now_ts()}


def waiting_for(context: BotContext, what: str) -> bool:
    """Whether the person's next words are for `what`; a lapsed wait is dropped."""
    if context.user_data is None:
        return False
    wait = context.user_data.get(AWAITING)
    if not isinstance(wait, dict) or wait.get("what") != what:
        return False
    if context.now_ts() - int(wait.get("since", 0)) > AWAITING_SECONDS:
        context.user_data.pop(AWAITING, None)
        return False
    return True


def stop_waiting(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(AWAITING, None)


def clear_waiting(context: BotContext) -> None:
    """Forget every open prompt: a new check-in takes the person's next words."""
    if context.user_data is not None:
        for key in WAITING_KEYS:
            context.user_data.pop(key, None)


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup:
    """Rows of (label, callback data) as an inline keyboard."""
    for row in buttons:
        for _, data in row:
            if not CALLBACK_PATTERN.match(data) or len(data.encode()) > 64:
                raise ValueError(f"malformed callback data {data!r}")
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


async def send(
    context: BotContext,
    chat_id: int,
    template: str,
    lang: str,
    buttons: Buttons | None = None,
    **values: Any,
) -> Message:
    """Render a template and send it as HTML, with buttons if given."""
    return await context.bot.send_message(
        chat_id=chat_id,
        text=context.prompts.render(template, lang, **values),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(buttons) if buttons else None,
        disable_web_page_preview=True,
    )


async def reply(
    update: Update,
    context: BotContext,
    template: str,
    lang: str,
    buttons: Buttons | None = None,
    **values: Any,
) -> Message | None:
    """Answer in the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await send(context, chat.id, template, lang, buttons, **values)


async def edit(
    update: Update,
    context: BotContext,
    template: str,
    lang: str,
    buttons: Buttons | None = None,
    **values: Any,
) -> None:
    """Replace the text of the message whose button was pressed, removing spent buttons."""
    query = update.callback_query
    if query is None or query.message is None:
        await reply(update, context, template, lang, buttons, **values)
        return
    try:
        await context.bot.edit_message_text(
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            text=context.prompts.render(template, lang, **values),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(buttons) if buttons else None,
            disable_web_page_preview=True,
        )
    except BadRequest as exc:
        # A second tap that would change nothing is not an error worth telling anyone about.
        if "not modified" not in str(exc).lower():
            raise


def new_nonce() -> str:
    """A short random tag tying a button to the one screen it was shown on. Hex, so it never
    holds the '-' that separates it from a button's value."""
    return secrets.token_hex(4)


def callback_parts(update: Update) -> tuple[str, str, str] | None:
    """(area, action, argument) of a well-formed button press, None for forged data."""
    query = update.callback_query
    if query is None or not isinstance(query.data, str) or not CALLBACK_PATTERN.match(query.data):
        return None
    area, action, *rest = query.data.split(":", 2)
    return area, action, rest[0] if rest else ""


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"
