"""The one place every handler is registered. Order matters: the first matching handler in a
group wins, and lower groups run first."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    TypeHandler,
)

from bot.context import BotContext
from handlers import (
    agenda,
    broadcast,
    checkin,
    figures,
    general,
    groups,
    invites,
    nudges,
    onboarding,
    privacy,
    settings,
    sharing,
    signposting,
    supervision,
    trend,
    weekly_prompt,
)
from handlers.common import CALLBACK_PATTERN

GUARD_GROUP = -2
PRE_FILTER_GROUP = -1
log = logging.getLogger(__name__)


def _malformed(data: object) -> bool:
    return not isinstance(data, str) or not CALLBACK_PATTERN.match(data)


async def reject_malformed_button(update: Update, context: BotContext) -> None:
    """Forged or empty callback data never reaches a feature handler (python-telegram-bot
    would hand a press without data to the first patterned handler)."""
    await general.stale_button(update, context)
    raise ApplicationHandlerStop


async def note_activity(update: Update, context: BotContext) -> None:
    """A member who writes to the bot is active: keeps their data from the inactivity purge
    and lifts a blocked-bot mark if they came back."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or chat.type != "private":
        return
    await context.repo.touch_member(user.id, context.now_ts())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler to the application, in order."""
    app.add_handler(
        CallbackQueryHandler(reject_malformed_button, pattern=_malformed), group=GUARD_GROUP
    )
    app.add_handler(TypeHandler(Update, note_activity), group=PRE_FILTER_GROUP)
    for module in (
        onboarding,
        invites,
        privacy,
        settings,
        checkin,
        signposting,
        nudges,
        trend,
        groups,
        supervision,
        agenda,
        weekly_prompt,
        sharing,
        broadcast,
        figures,
        general,
    ):
        app.add_handlers(module.HANDLERS)
    app.add_handlers(general.FALLBACKS)


TICK_JOB = "due:tick"
TICK_SECONDS = 60


async def tick(context: BotContext) -> None:
    """Once a minute: end idle check-ins and send due nudges. One job asks the database what
    is due, so thousands of schedules cost one query, and a restart needs no job rebuilding."""
    steps = (
        checkin.expire_idle,
        nudges.send_due_nudges,
        supervision.send_due_reminders,
        weekly_prompt.send_due_prompts,
        _purge_past_sessions,
    )
    for step in steps:
        try:
            await step(context)
        except Exception:
            # One part failing (a locked database, say) must not hold up the others.
            log.exception("the periodic job's %s step failed", step.__name__)


async def _purge_past_sessions(context: BotContext) -> None:
    await context.repo.purge_past_sessions(context.now_ts())


def schedule_jobs(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the periodic job; named, so calling again replaces rather than doubles it."""
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    for job in queue.get_jobs_by_name(TICK_JOB):
        job.schedule_removal()
    # The first run comes soon after start, so nudges missed while down go out promptly.
    queue.run_repeating(tick, interval=TICK_SECONDS, first=2, name=TICK_JOB)
