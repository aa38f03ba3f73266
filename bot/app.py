"""Building the Application: the one place handlers, services and jobs are wired together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeAlias

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

import handlers
from bot import jobs
from bot.config import Config
from bot.context import SERVICES_KEY, BotContext, Services, utc_now
from bot.errors import on_error
from handlers.menus import set_coordinator_menus, set_default_menus
from prompts import Prompts
from prompts.risk import RiskMatcher
from storage import Repository, connect
from storage.keys import load_or_create_key

log = logging.getLogger(__name__)

PeerApp: TypeAlias = Application[Any, BotContext, Any, Any, Any, Any]


def build_application(
    config: Config,
    token: str,
    *,
    request: BaseRequest | None = None,
    clock: Callable[[], datetime] = utc_now,
    prompts: Prompts | None = None,
    rate_limit: bool = True,
) -> PeerApp:
    """The bot, ready for run_polling (or for tests, with a local request object).

    Nothing is opened here: the database and menus come in post_init, so building an
    application has no side effects.
    """
    prompts = prompts or Prompts()
    services = Services(
        config=config,
        prompts=prompts,
        clock=clock,
        # A broken script stops the bot here, before it answers anyone (ScriptError).
        scripts=prompts.load_scripts(),
        risk=RiskMatcher.from_files(prompts.root, prompts.languages),
    )
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(config.api_base_url)
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .concurrent_updates(False)
    )
    if rate_limit:
        # Telegram's flood limits, with a few retries when it still answers 429. The overall
        # bucket holds one message and drains at 30 a second: the default bucket of 30 lets a
        # burst of ~59 through in the first second, which a strict limit answers with a 429
        # (and a pause for every chat) about every 30 messages of a broadcast.
        limiter = AIORateLimiter(overall_max_rate=1, overall_time_period=1 / 30, max_retries=3)
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app: PeerApp = builder.build()
    app.bot_data[SERVICES_KEY] = services
    handlers.register(app)
    app.add_error_handler(on_error)
    return app


def services_of(app: PeerApp) -> Services:
    services = app.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


async def _post_init(app: PeerApp) -> None:
    """Open the database, restore schedules, set the default command menus."""
    services = services_of(app)
    if services.repo is None:
        services.repo = Repository(await connect(services.config.database))
    if not services.code_key:
        services.code_key = load_or_create_key(services.config.database)
    jobs.schedule(app)
    handlers.schedule_jobs(app)
    await set_default_menus(app.bot, services.prompts)
    await set_coordinator_menus(app.bot, services.prompts, services.config.teams)
    log.info("peer-reflect ready: %d team(s), database schema current", len(services.config.teams))


async def _post_shutdown(app: PeerApp) -> None:
    services = services_of(app)
    await services.drain()  # a broadcast under way finishes before the database closes
    if services.repo is not None:
        await services.repo.close()
        services.repo = None


@asynccontextmanager
async def running(app: PeerApp) -> AsyncIterator[PeerApp]:
    """Run the application without fetching updates: for `try` and the tests, which feed
    updates in with process_update. Goes through the same post_init/post_shutdown as run."""
    await app.initialize()
    try:
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
    finally:
        try:
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
        finally:
            await app.shutdown()
