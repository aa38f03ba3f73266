"""/trend: a person's own load over the last four weeks, as a picture and one sentence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, filters

from bot.context import BotContext
from core.charts import Bar, BarChart, render
from handlers.common import reply, who
from handlers.signposting import HARD_FLAGS
from storage import Checkin

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
DAYS = 28


def daily_bars(checkins: list[Checkin], first_day: date, zone: ZoneInfo) -> dict[int, Bar]:
    """One bar a day: the heaviest load that day, marked if any check-in was flagged."""
    bars: dict[int, Bar] = {}
    for c in checkins:
        if c.load is None:
            continue
        slot = (
            datetime.fromtimestamp(c.completed_at, UTC).astimezone(zone).date() - first_day
        ).days
        if not 0 <= slot < DAYS:
            continue
        marked = bool(c.flags & HARD_FLAGS)
        old = bars.get(slot)
        if old is None:
            bars[slot] = Bar(c.load, marked)
        else:
            bars[slot] = Bar(max(old.value, c.load), old.marked or marked)
    return bars


def direction(loads: list[int]) -> str:
    """'up', 'down' or '' comparing the later half with the earlier, by at least one point."""
    if len(loads) < 4:
        return ""
    half = len(loads) // 2
    earlier = sum(loads[:half]) / half
    later = sum(loads[half:]) / (len(loads) - half)
    if later - earlier >= 1:
        return "up"
    if earlier - later >= 1:
        return "down"
    return ""


async def trend(update: Update, context: BotContext) -> None:
    person = await who(update, context)
    if person is None:
        return
    if person.member is None:
        await reply(
            update, context, "checkin_needs_member", person.lang, coordinator=person.is_coordinator
        )
        return
    zone = ZoneInfo(person.member.timezone)
    today = context.now().astimezone(zone).date()
    first_day = today - timedelta(days=DAYS - 1)
    since = int(datetime.combine(first_day, datetime.min.time(), zone).timestamp())
    checkins = [
        c for c in await context.repo.checkins_since(person.user_id, since) if c.load is not None
    ]
    if len(checkins) < 2:
        await reply(update, context, "trend_not_enough", person.lang)
        return
    team = context.config.team(person.member.team_id)
    loads = [int(c.load) for c in checkins if c.load is not None]
    labels = {slot: f"{(first_day + timedelta(days=slot)):%d/%m}" for slot in range(0, DAYS, 7)}
    picture = render(
        BarChart(
            slots=DAYS,
            bars=daily_bars(checkins, first_day, zone),
            y_max=10,
            y_ticks=(0, 5, 10),
            guide=team.thresholds.load if team else None,
            x_labels=labels,
        )
    )
    await context.bot.send_photo(
        chat_id=person.chat_id,
        photo=InputFile(picture, filename="trend.png"),
        caption=context.prompts.render(
            "trend_caption",
            person.lang,
            count=len(loads),
            average=f"{sum(loads) / len(loads):.1f}".replace(
                ".", context.prompts.label("decimal_point", person.lang)
            ),
            heavy=sum(1 for c in checkins if c.flags & HARD_FLAGS),
            direction=direction(loads),
        ),
        parse_mode=ParseMode.HTML,
    )


HANDLERS = [CommandHandler("trend", trend, filters=PRIVATE_MESSAGE)]
