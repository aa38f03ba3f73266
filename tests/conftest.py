"""Shared fixtures: the real Application with a Bot API that lives in-process.

Every handler test goes through `Application.process_update` with real `telegram.Update`
objects; the local Bot API records what the bot sent and answers unknown methods with 404,
which the harness turns into a test failure. No test touches the network.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import PeerApp, build_application, running, services_of
from bot.config import Config, parse_config
from bot.offline import ApiCall, LocalBotAPI, UpdateFactory
from prompts import Prompts, available_languages
from storage import Repository

# As the command line sets it: Telegram's durations (RetryAfter) as timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")

TOKEN = "123456789:TESTtokenTESTtokenTESTtokenTESTtoken12"
COORDINATOR = 5550001
SECOND_COORDINATOR = 5550002
MEMBER = 7770001
OTHER = 7770002
STRANGER = 9990001
INVITE_LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")


def config_data(database: Path) -> dict[str, Any]:
    """A config with two teams, as a parsed TOML document."""
    return {
        "bot": {"database": str(database), "log_level": "INFO"},
        "privacy": {"retention_days": 90},
        "teams": [
            {
                "id": "north",
                "name": "North peer team",
                "coordinators": [COORDINATOR],
                "timezone": "Europe/London",
                "language": "en",
                "country": "GB",
                "resources": [
                    {"kind": "crisis", "name": "Samaritans", "how": "Call 116 123"},
                ],
            },
            {
                "id": "south",
                "name": "South peer team",
                "coordinators": [SECOND_COORDINATOR],
                "timezone": "Europe/Berlin",
                "language": "de",
                "country": "DE",
                "resources": [
                    {"kind": "crisis", "name": "TelefonSeelsorge", "how": "0800 111 0 111"},
                    {"kind": "emergency", "name": "Notruf", "how": "112"},
                ],
            },
        ],
    }


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class ErrorLog(logging.Handler):
    """Collects what the bot's error handler logged, so a test fails on any handler crash."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Harness:
    """One running bot and the helpers to talk to it as people would."""

    def __init__(self, app: PeerApp, api: LocalBotAPI, clock: Clock, errors: ErrorLog) -> None:
        self.app = app
        self.api = api
        self.clock = clock
        self.errors = errors
        self.updates = UpdateFactory(app.bot)

    def take_errors(self) -> list[str]:
        """Errors the bot logged so far, cleared: for tests that cause one on purpose."""
        messages = [r.getMessage() for r in self.errors.records]
        self.errors.records.clear()
        return messages

    @property
    def config(self) -> Config:
        return services_of(self.app).config

    @property
    def repo(self) -> Repository:
        repo = services_of(self.app).repo
        assert repo is not None
        return repo

    async def feed(self, update: Any) -> list[ApiCall]:
        """Process one update; return the calls the bot made for it."""
        start = len(self.api.calls)
        await self.app.process_update(update)
        return self.api.calls[start:]

    async def send(self, user_id: int, text: str, **kwargs: Any) -> list[ApiCall]:
        return await self.feed(self.updates.message(user_id, text, **kwargs))

    async def press(
        self, user_id: int, data: str, message_id: int = 1, **kwargs: Any
    ) -> list[ApiCall]:
        """A tap on a button: in the person's private chat unless chat_id says otherwise."""
        return await self.feed(
            self.updates.callback(user_id, data, message_id=message_id, **kwargs)
        )

    async def press_label(
        self, user_id: int, calls: list[ApiCall], label: str, chat_id: int | None = None
    ) -> list[ApiCall]:
        """Press the button with this label on the last message in `calls` that has it."""
        for call in reversed(calls):
            for text, data in call.buttons:
                if text == label:
                    return await self.press(
                        user_id, data, message_id=call.message_id or 1, chat_id=chat_id
                    )
        raise AssertionError(f"no button {label!r} in {[c.buttons for c in calls]}")

    async def new_invite_code(self, coordinator: int = COORDINATOR, args: str = "") -> str:
        calls = await self.send(coordinator, f"/invite {args}".strip())
        match = INVITE_LINK.search(texts(calls))
        assert match, texts(calls)
        return match.group(1)

    async def join(
        self, user_id: int, coordinator: int = COORDINATOR, language_code: str = "en"
    ) -> None:
        """Walk a person through invite and consent."""
        code = await self.new_invite_code(coordinator)
        calls = await self.send(user_id, f"/start {code}", language_code=language_code)
        agree = next(label for label, data in calls[-1].buttons if data.startswith("consent:yes"))
        await self.press_label(user_id, calls, agree)
        assert await self.repo.get_member(user_id) is not None

    def db_rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the database file directly, as a separate connection would see it."""
        with sqlite3.connect(self.config.database) as conn:
            return conn.execute(sql, params).fetchall()


def texts(calls: list[ApiCall]) -> str:
    """Everything the calls put on screen, joined, for substring assertions."""
    return "\n".join(c.text for c in calls if c.text)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return parse_config(
        config_data(tmp_path / "bot.sqlite3"), tmp_path / "config.toml", available_languages()
    )


@pytest.fixture(scope="session")
def prompts() -> Prompts:
    return Prompts()


@pytest.fixture
async def make_harness(
    config: Config, clock: Clock, prompts: Prompts
) -> AsyncIterator[Callable[..., Any]]:
    """Start a bot on the test's database; call again after the first stops for a restart."""
    errors = ErrorLog()
    logging.getLogger("bot.errors").addHandler(errors)
    apis: list[LocalBotAPI] = []

    @asynccontextmanager
    async def start(cfg: Config | None = None) -> AsyncIterator[Harness]:
        api = LocalBotAPI()
        apis.append(api)
        app = build_application(
            cfg or config, TOKEN, request=api, clock=clock, prompts=prompts, rate_limit=False
        )
        async with running(app):
            # Jobs stay registered but do not fire on their own: tests run them explicitly,
            # against the test's clock, so nothing races the assertions.
            assert app.job_queue is not None
            app.job_queue.scheduler.pause()
            yield Harness(app, api, clock, errors)

    try:
        yield start
    finally:
        logging.getLogger("bot.errors").removeHandler(errors)
    crashes = [r.getMessage() for r in errors.records]
    assert not crashes, f"a handler raised: {crashes}"
    unsupported = [m for api in apis for m in api.unsupported]
    assert not unsupported, f"the bot called Bot API methods the double lacks: {unsupported}"


@pytest.fixture
async def bot(make_harness: Callable[..., Any]) -> AsyncIterator[Harness]:
    async with make_harness() as harness:
        yield harness
