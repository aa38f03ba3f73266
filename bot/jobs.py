"""Recurring work the bot does on its own: the daily retention purge."""

from __future__ import annotations

import logging
from datetime import time
from typing import Any

from telegram.ext import Application

from bot.context import BotContext

log = logging.getLogger(__name__)

PURGE_JOB = "retention:purge"


async def purge(context: BotContext) -> None:
    """Delete what has outlived the retention period; logs counts, never who."""
    counts = await context.repo.purge(context.now_ts(), context.config.retention_days)
    log.info(
        "retention purge removed %d invite(s) and %d inactive member(s)",
        counts["invites"],
        counts["members"],
    )


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the bot's own jobs. Named, so a second call replaces rather than doubles them."""
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    for job in queue.get_jobs_by_name(PURGE_JOB):
        job.schedule_removal()
    queue.run_daily(purge, time=time(3, 30), name=PURGE_JOB)
    queue.run_once(purge, when=5, name=PURGE_JOB)
