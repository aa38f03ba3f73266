"""`peer-reflect try`: the real handlers in a terminal chat, no Telegram and no token.

What you type goes to the bot as a private message; its replies print as plain text, and its
buttons print numbered: type a button's label, or its number, to press it. A team can try and
co-produce its wording this way before going live.
"""

from __future__ import annotations

import asyncio
import html
import re
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.app import build_application, running, services_of
from bot.config import Config
from bot.offline import ApiCall, LocalBotAPI, UpdateFactory
from prompts import Prompts
from storage.invite_codes import hash_code, new_code

TRY_TOKEN = "1000000000:try-out-token-not-a-real-one-xxxxxxxxxx"  # noqa: S105
TRY_MEMBER_ID = 4_242_424_242
_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """The HTML the bot sends, as it would read on screen."""
    return html.unescape(_TAG.sub("", text))


class Terminal:
    """Prints what the bot sends and remembers the latest buttons."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id
        self.buttons: list[tuple[int, str]] = []  # (message id, callback data)
        self.labels: list[str] = []

    def choose(self, typed: str) -> tuple[int, str] | None:
        """The button meant: its label typed out ("8" on the 0-10 scale, "yes"), or else its
        number in the printed list."""
        if typed.casefold() in self.labels:
            return self.buttons[self.labels.index(typed.casefold())]
        if typed.isdecimal() and 1 <= int(typed) <= len(self.buttons):
            return self.buttons[int(typed) - 1]
        return None

    def show(self, call: ApiCall) -> None:
        if call.method in ("sendMessage", "sendDocument", "sendPhoto", "editMessageText"):
            to = "" if call.chat_id == self.chat_id else f" → chat {call.chat_id}"
            if call.method == "editMessageText":
                print(f"bot (updated){to}>", end=" ")
            else:
                print(f"bot{to}>", end=" ")
            if call.method == "sendDocument":
                name = next(iter(call.files.values()))[0] if call.files else "file"
                print(f"[a file: {name}]")
            if call.method == "sendPhoto":
                print("[a picture]")
            print(plain(call.text).replace("\n", "\n     "))
            labels = call.buttons
            message_id = call.message_id or 0
            if labels:
                self.buttons = [(message_id, data) for _, data in labels]
                self.labels = [label.casefold() for label, _ in labels]
                for number, (label, _) in enumerate(labels, start=1):
                    print(f"     [{number}] {label}")
            elif call.method == "editMessageText":
                self.buttons = []
                self.labels = []
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            print(f"bot (note)> {call.params['text']}")


async def try_out(config: Config, prompts: Prompts, role: str, database: str | None) -> int:
    """Chat with the bot until /quit or end of input."""
    with tempfile.TemporaryDirectory(prefix="peer-reflect-try-") as tmp:
        db = Path(database) if database else Path(tmp) / "try.sqlite3"
        config = replace(config, database=db)
        if role == "coordinator":
            coordinators = sorted(c for t in config.teams for c in t.coordinators)
            if not coordinators:
                print("The config lists no coordinator; add one to a team's coordinators.")
                return 2
            user_id = coordinators[0]
        else:
            user_id = TRY_MEMBER_ID
        terminal = Terminal(user_id)
        api = LocalBotAPI(on_call=terminal.show)
        app = build_application(config, TRY_TOKEN, request=api, prompts=prompts, rate_limit=False)
        async with running(app):
            updates = UpdateFactory(app.bot)
            print(
                f"Trying peer-reflect as a {role}. Type messages or /commands; "
                "a button's label or number presses it; /quit ends.\n"
            )
            first = "/start"
            if role == "member":
                code = new_code()
                repo = services_of(app).repo
                assert repo is not None
                now = services_of(app).clock()
                await repo.create_invite(
                    hash_code(code),
                    config.teams[0].id,
                    int((now + timedelta(days=1)).timestamp()),
                    1,
                    int(now.timestamp()),
                )
                first = f"/start {code}"
            print(f"you> {first}")
            await app.process_update(updates.message(user_id, first))
            while True:
                try:
                    line = await asyncio.to_thread(input, "you> ")
                except (EOFError, KeyboardInterrupt):
                    print()
                    break
                line = line.strip()
                if line in ("/quit", "/exit"):
                    break
                if not line:
                    continue
                choice = terminal.choose(line)
                if choice is not None:
                    message_id, data = choice
                    update = updates.callback(user_id, data, message_id=message_id)
                else:
                    update = updates.message(user_id, line)
                await app.process_update(update)
        return 0
