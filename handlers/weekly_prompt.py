"""A weekly reflective prompt posted to the team's group, rotating through the templates
`prompts/<lang>/weekly_prompt_<n>.j2`."""

from __future__ import annotations

import logging
from datetime import time
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotContext
from core.schedule import WEEKDAYS, WEEKDAYS_DE, next_occurrence
from handlers.common import reply
from handlers.groups import GROUP_MESSAGE, coordinator_here, send_to_team_group
from handlers.nudges import parse_time
from storage import WeeklyPrompt

log = logging.getLogger(__name__)


def prompt_count(context: BotContext, lang: str) -> int:
    """How many weekly prompts the language has (English's when it has none of its own)."""
    for code in (lang, "en"):
        count = len(list((context.prompts.root / code).glob("weekly_prompt_*.j2")))
        if count:
            return count
    return 0


async def weekly_prompt(update: Update, context: BotContext) -> None:
    """/weeklyprompt mon 09:00 turns it on (or moves it); /weeklyprompt off stops it."""
    chat = update.effective_chat
    if chat is None:
        return
    if await context.repo.get_group(chat.id) is None:
        await reply(update, context, "group_not_linked", context.config.default_language)
        return
    team = await coordinator_here(update, context)
    if team is None:
        return
    args = [a.lower() for a in (context.args or [])]
    if args in (["off"], ["aus"]):
        done = await context.repo.delete_weekly_prompt(team.id)
        await reply(
            update, context, "weekly_prompt_off" if done else "weekly_prompt_was_off", team.language
        )
        return
    weekday = None
    if len(args) == 2:
        if args[0][:3] in WEEKDAYS:
            weekday = WEEKDAYS.index(args[0][:3])
        elif args[0][:2] in WEEKDAYS_DE:
            weekday = WEEKDAYS_DE.index(args[0][:2])
    minute = parse_time(args[1]) if len(args) == 2 else None
    if weekday is None or minute is None:
        await reply(update, context, "weekly_prompt_usage", team.language)
        return
    due = next_occurrence(
        context.now(), 1 << weekday, time(minute // 60, minute % 60), ZoneInfo(team.timezone)
    )
    assert due is not None
    old = await context.repo.get_weekly_prompt(team.id)
    await context.repo.set_weekly_prompt(
        WeeklyPrompt(team.id, weekday, minute, int(due.timestamp()), old.rotation if old else 0)
    )
    day = context.prompts.label("weekdays_long", team.language).split()[weekday]
    await reply(
        update,
        context,
        "weekly_prompt_on",
        team.language,
        weekday=day,
        time=f"{minute // 60:02d}:{minute % 60:02d}",
        timezone=team.timezone,
    )


async def send_due_prompts(context: BotContext) -> int:
    """Post every weekly prompt whose time has come (once, within the grace period)."""
    now = context.now()
    now_ts = int(now.timestamp())
    grace = context.config.supervision.grace_minutes * 60
    sent = 0
    for prompt in await context.repo.due_weekly_prompts(now_ts):
        team = context.config.team(prompt.team_id)
        if team is None:
            continue
        following = next_occurrence(
            now,
            1 << prompt.weekday,
            time(prompt.minute // 60, prompt.minute % 60),
            ZoneInfo(team.timezone),
        )
        assert following is not None
        count = prompt_count(context, team.language)
        if not count or not await context.repo.advance_weekly_prompt(
            team.id, prompt.next_due_at, int(following.timestamp()), prompt.rotation + 1
        ):
            continue
        if now_ts - prompt.next_due_at > grace:
            continue
        number = prompt.rotation % count + 1
        if await send_to_team_group(context, team, f"weekly_prompt_{number}") is not None:
            sent += 1
    return sent


HANDLERS = [CommandHandler("weeklyprompt", weekly_prompt, filters=GROUP_MESSAGE)]
