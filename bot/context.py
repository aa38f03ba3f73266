"""A typed CallbackContext, so handlers write `context.repo` instead of casting bot_data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Config
from prompts import Prompts
from prompts.risk import RiskMatcher
from prompts.scripts import Script
from storage import Repository

SERVICES_KEY = "services"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """What every handler needs, opened in post_init and closed in post_shutdown."""

    config: Config
    prompts: Prompts
    clock: Callable[[], datetime] = utc_now
    repo: Repository | None = None
    scripts: dict[str, Script] = field(default_factory=dict)
    # The key for one-way RSVP codes, from its own file beside the database (post_init).
    code_key: bytes = b""
    risk: RiskMatcher = field(default_factory=lambda: RiskMatcher(()))
    # Waiting out Telegram's 429s; tests swap it for one that records instead of waiting.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    # Long-running work started by a handler (a broadcast), so shutdown and tests can await it.
    background: set[asyncio.Task[Any]] = field(default_factory=set)

    def keep(self, task: asyncio.Task[Any]) -> None:
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def drain(self) -> None:
        """Wait for background work to finish."""
        while self.background:
            await asyncio.gather(*list(self.background), return_exceptions=True)

    extras: dict[str, Any] = field(default_factory=dict)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with the bot's own services as typed properties."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        services = self.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        return services

    @property
    def config(self) -> Config:
        return self.services.config

    @property
    def prompts(self) -> Prompts:
        return self.services.prompts

    @property
    def repo(self) -> Repository:
        repo = self.services.repo
        if repo is None:
            raise RuntimeError("the database is not open (post_init has not run)")
        return repo

    def now(self) -> datetime:
        """The current time, from the injectable clock so tests can move it."""
        return self.services.clock()

    def now_ts(self) -> int:
        return int(self.now().timestamp())
