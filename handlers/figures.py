"""/team: anonymised figures for coordinators, as one picture and a few plain sentences.

Check-ins per week over the last 8 weeks (the flagged part in amber), the share with a flag,
and the load distribution. Any figure drawn from fewer than 5 distinct people is withheld and
the reply says why. Never anything per person.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, filters

from bot.context import BotContext
from core.charts import Bar, BarChart, render_panels
from core.figures import WEEKS, Entry, K, team_figures
from handlers.common import reply, who
from handlers.signposting import HARD_FLAGS

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE


async def team(update: Update, context: BotContext) -> None:
    person = await who(update, context)
    if person is None:
        return
    if not person.is_coordinator:
        await reply(update, context, "coordinator_only", person.lang)
        return
    for t in person.coordinates:
        zone = ZoneInfo(t.timezone)
        today = context.now().astimezone(zone).date()
        since = int((context.now() - timedelta(weeks=WEEKS, days=7)).timestamp())
        entries = [
            Entry(c.user_id, c.completed_at, c.load, bool(c.flags & HARD_FLAGS))
            for c in await context.repo.team_checkins(t.id, since)
        ]
        figures = team_figures(entries, today, zone)
        values = {
            "team_name": t.name,
            "k": K,
            "weeks": WEEKS,
            "people": figures.people,
            "checkins": figures.checkins,
            "withheld_weeks": figures.withheld_weeks,
            "flagged_percent": None
            if figures.flagged_share is None
            else round(figures.flagged_share * 100),
            "heavy": None if figures.loads is None else sum(figures.loads[t.thresholds.load :]),
            "threshold": t.thresholds.load,
        }
        if figures.all_withheld:
            await reply(update, context, "team_withheld", person.lang, None, **values)
            continue
        weekly = BarChart(
            slots=WEEKS,
            bars={
                i: Bar(w.checkins, part=w.flagged)
                for i, w in enumerate(figures.weeks)
                if not w.withheld
            },
            y_max=max([w.checkins for w in figures.weeks] + [4]),
            y_ticks=(0, max([w.checkins for w in figures.weeks] + [4])),
            x_labels={i: f"{w.start:%d/%m}" for i, w in enumerate(figures.weeks) if i % 2 == 0},
            height=300,
        )
        loads = figures.loads or [0] * 11
        distribution = BarChart(
            slots=11,
            bars={n: Bar(count, marked=n >= t.thresholds.load) for n, count in enumerate(loads)},
            y_max=max([*loads, 1]),
            y_ticks=(0, max([*loads, 1])),
            x_labels={n: str(n) for n in range(11)},
            height=260,
        )
        await context.bot.send_photo(
            chat_id=person.chat_id,
            photo=InputFile(render_panels([weekly, distribution]), filename="team.png"),
            caption=context.prompts.render("team_caption", person.lang, **values),
            parse_mode=ParseMode.HTML,
        )


HANDLERS = [CommandHandler("team", team, filters=PRIVATE_MESSAGE)]
