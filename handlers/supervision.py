"""Group supervision: scheduling recurring sessions, listing them, skipping, changing or
cancelling, and the reminders with *Going* / *Can't make it* buttons.

Every series lives in SQLite with its next reminder time; the one periodic job asks what is
due, so a restart rebuilds nothing and thousands of series cost one indexed query. A reminder
missed while the bot was down is sent if it is at most the grace period late and the session
has not started; older ones are dropped; the row moves on before the message goes, so none is
sent twice. RSVPs are kept as one-way codes (HMAC of the person and the session) so a person can
change their answer while the group sees only counts; they are deleted after the session.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.config import Team
from bot.context import BotContext
from core.recurrence import (
    FREQUENCIES,
    LAST_WEEK,
    Series,
    clock_changes,
    first_date,
    next_reminder,
    session_moments,
)
from core.schedule import WEEKDAYS, WEEKDAYS_DE
from handlers.common import Buttons, Person, callback_parts, edit, new_nonce, reply, who
from handlers.groups import GROUP_MESSAGE, coordinator_here, send_to_team_group
from handlers.nudges import parse_time
from storage import SupervisionSeries

log = logging.getLogger(__name__)

DRAFT = "supervision_draft"
QUICK_TIMES = (9 * 60, 10 * 60, 11 * 60, 12 * 60, 13 * 60, 14 * 60, 15 * 60, 16 * 60, 17 * 60)
WEEK_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "last": LAST_WEEK,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "erster": 1,
    "zweiter": 2,
    "dritter": 3,
    "vierter": 4,
    "letzter": LAST_WEEK,
}
FREQUENCY_WORDS = {
    "weekly": "weekly",
    "fortnightly": "fortnightly",
    "monthly": "monthly",
    "biweekly": "fortnightly",
    "wöchentlich": "weekly",
    "zweiwöchentlich": "fortnightly",
    "monatlich": "monthly",
}
MAX_PLACE = 200
_SPACES = re.compile(r"\s+")


# --- series helpers ----------------------------------------------------------------------------


def as_series(s: SupervisionSeries) -> Series:
    return Series(
        s.frequency,
        s.weekday,
        s.minute,
        s.timezone,
        date.fromisoformat(s.first_date),
        s.week_of_month,
    )


def offsets(context: BotContext) -> tuple[timedelta, ...]:
    return tuple(timedelta(hours=h) for h in context.config.supervision.reminder_offsets_hours)


async def skipped(context: BotContext, series_id: int) -> list[date]:
    return [date.fromisoformat(d) for d in await context.repo.skipped_days(series_id)]


async def reschedule(context: BotContext, s: SupervisionSeries) -> None:
    """Point the series at its next reminder after now (after a change or a skip)."""
    found = next_reminder(
        as_series(s), context.now(), offsets(context), await skipped(context, s.id)
    )
    await context.repo.set_series_next(
        s.id,
        int(found[0].timestamp()) if found else None,
        int(found[1].timestamp()) if found else None,
    )


async def upcoming(context: BotContext, s: SupervisionSeries, count: int) -> list[datetime]:
    moments = session_moments(as_series(s), context.now(), await skipped(context, s.id))
    return [m for _, m in zip(range(count), moments, strict=False)]


async def next_session(
    context: BotContext, team_id: str
) -> tuple[SupervisionSeries, datetime] | None:
    """The team's next session across all its series."""
    best: tuple[SupervisionSeries, datetime] | None = None
    for s in await context.repo.series_for_team(team_id):
        moments = await upcoming(context, s, 1)
        if moments and (best is None or moments[0] < best[1]):
            best = (s, moments[0])
    return best


def describe(context: BotContext, lang: str, s: Series, place: str) -> dict[str, Any]:
    """Template values that say when a series meets, in words."""
    label = context.prompts.label
    day = label("weekdays_long", lang).split()[s.weekday]
    return {
        "frequency": s.frequency,
        "weekday": day,
        "week": label("week_of_month", lang).split()[s.week_of_month - 1],
        "time": f"{s.minute // 60:02d}:{s.minute % 60:02d}",
        "timezone": s.timezone,
        "place": place,
    }


def when(context: BotContext, lang: str, moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    day = context.prompts.label("weekdays", lang).split()[local.weekday()]
    return f"{day} {context.prompts.format_day(local, lang, with_time=True)}"


def clock_notes(context: BotContext, lang: str, s: Series) -> list[dict[str, str]]:
    today = context.now().astimezone(ZoneInfo(s.timezone)).date()
    return [
        {
            "day": context.prompts.format_day(datetime.combine(n.day, datetime.min.time()), lang),
            "kind": n.kind,
            "shown": n.shown,
        }
        for n in clock_changes(s, today)
    ]


# --- scheduling --------------------------------------------------------------------------------


async def _team_of_group(update: Update, context: BotContext) -> Team | None:
    chat = update.effective_chat
    if chat is None:
        return None
    group = await context.repo.get_group(chat.id)
    if group is None:
        person = await who(update, context)
        await reply(update, context, "group_not_linked", person.lang if person else "en")
        return None
    return await coordinator_here(update, context)


def _draft_buttons(context: BotContext, lang: str, draft: dict[str, Any]) -> Buttons:
    label = context.prompts.label
    nonce = draft["nonce"]
    stage = draft["stage"]
    if stage == "frequency":
        return [[(label(f"frequency_{f}", lang), f"sv:freq:{nonce}-{f}") for f in FREQUENCIES]]
    if stage == "weekday":
        names = label("weekdays", lang).split()
        days = [(names[i], f"sv:day:{nonce}-{i}") for i in range(7)]
        return [days[:4], days[4:]]
    if stage == "week":
        words = label("week_of_month", lang).split()
        return [[(words[i - 1], f"sv:week:{nonce}-{i}") for i in range(1, 6)]]
    if stage == "time":
        times = [(f"{m // 60:02d}:{m % 60:02d}", f"sv:time:{nonce}-{m}") for m in QUICK_TIMES]
        return [times[:5], times[5:], [(label("other_time", lang), f"sv:other:{nonce}")]]
    if stage == "place":
        return [[(label("no_place", lang), f"sv:noplace:{nonce}")]]
    return [
        [
            (label("save", lang), f"sv:save:{nonce}"),
            (label("start_again", lang), f"sv:again:{nonce}"),
        ]
    ]


async def _show_draft(
    update: Update, context: BotContext, team: Team, draft: dict[str, Any], *, new: bool
) -> None:
    lang = draft["lang"]
    values: dict[str, Any] = {"stage": draft["stage"], "changing": draft["series_id"] is not None}
    if draft["stage"] == "confirm":
        s = _draft_series(context, team, draft)
        values.update(describe(context, lang, s, draft["place"]))
        values["first"] = when(context, lang, next(session_moments(s, context.now())), s.timezone)
        values["notes"] = clock_notes(context, lang, s)
    buttons = _draft_buttons(context, lang, draft)
    if new:
        await reply(update, context, "supervision_draft", lang, buttons, **values)
    else:
        await edit(update, context, "supervision_draft", lang, buttons, **values)


def _draft_series(context: BotContext, team: Team, draft: dict[str, Any]) -> Series:
    today = context.now().astimezone(ZoneInfo(team.timezone)).date()
    first = first_date(draft["frequency"], draft["weekday"], draft["week"], today)
    return Series(
        draft["frequency"], draft["weekday"], draft["minute"], team.timezone, first, draft["week"]
    )


async def schedule(update: Update, context: BotContext) -> None:
    """/schedule in the team's group: a guided flow, or one line such as
    `/schedule weekly tue 14:00 Room 2` or `/schedule monthly last fri 10:00`."""
    team = await _team_of_group(update, context)
    if team is None or context.chat_data is None or update.effective_user is None:
        return
    args = list(context.args or [])
    if args:
        parsed = parse_one_line(args)
        if parsed is None:
            await reply(update, context, "supervision_usage", team.language)
            return
        frequency, weekday, week, minute, place = parsed
        draft = {
            "nonce": new_nonce(),
            "user": update.effective_user.id,
            "series_id": None,
            "frequency": frequency,
            "weekday": weekday,
            "week": week,
            "minute": minute,
            "place": place,
            "stage": "confirm",
            "team": team.id,
            "lang": team.language,
        }
        await _save(update, context, team, draft, new=True)
        return
    await _start_draft(update, context, team, None, new=True)


async def _start_draft(
    update: Update,
    context: BotContext,
    team: Team,
    series_id: int | None,
    *,
    new: bool,
    lang: str = "",
) -> None:
    assert context.chat_data is not None
    assert update.effective_user is not None
    draft = {
        "nonce": new_nonce(),
        "user": update.effective_user.id,
        "series_id": series_id,
        "frequency": "weekly",
        "weekday": 0,
        "week": 1,
        "minute": None,
        "place": "",
        "stage": "frequency",
        # The series' own team decides its time zone; the chat decides the language.
        "team": team.id,
        "lang": lang or team.language,
    }
    context.chat_data[DRAFT] = draft
    await _show_draft(update, context, team, draft, new=new)


def parse_one_line(args: list[str]) -> tuple[str, int, int, int, str] | None:
    """(frequency, weekday, week of month, minute, place) from the words after /schedule."""
    words = list(args)
    if not words or words[0].lower() not in FREQUENCY_WORDS:
        return None
    frequency = FREQUENCY_WORDS[words.pop(0).lower()]
    week = 1
    if frequency == "monthly" and words and words[0].lower() in WEEK_WORDS:
        week = WEEK_WORDS[words.pop(0).lower()]
    if not words:
        return None
    day = words.pop(0).lower()
    if day[:3] in WEEKDAYS:
        weekday = WEEKDAYS.index(day[:3])
    elif day[:2] in WEEKDAYS_DE:
        weekday = WEEKDAYS_DE.index(day[:2])
    else:
        return None
    minute = parse_time(words.pop(0)) if words else None
    if minute is None:
        return None
    place = _SPACES.sub(" ", " ".join(words)).strip()
    if len(place) > MAX_PLACE:
        return None
    return frequency, weekday, week, minute, place


async def draft_pressed(update: Update, context: BotContext) -> None:
    """The buttons of the scheduling flow."""
    query = update.callback_query
    parts = callback_parts(update)
    if query is None or parts is None or context.chat_data is None:
        return
    _, action, argument = parts
    nonce, _, value = argument.partition("-")
    draft = context.chat_data.get(DRAFT)
    person = await who(update, context)
    if person is None:
        return
    if not draft or draft["nonce"] != nonce:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    if draft["user"] != person.user_id:
        await query.answer(context.prompts.label("not_your_flow", person.lang), show_alert=True)
        return
    team = context.config.team(draft["team"])
    if team is None or team not in person.coordinates:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    if action == "freq" and value in FREQUENCIES:
        draft["frequency"] = value
        draft["stage"] = "weekday"
    elif action == "day" and value.isdigit() and int(value) < 7:
        draft["weekday"] = int(value)
        draft["stage"] = "week" if draft["frequency"] == "monthly" else "time"
    elif action == "week" and value.isdigit() and 1 <= int(value) <= LAST_WEEK:
        draft["week"] = int(value)
        draft["stage"] = "time"
    elif action == "time" and value.isdigit() and int(value) in QUICK_TIMES:
        draft["minute"] = int(value)
        draft["stage"] = "place"
    elif action == "other":
        draft["stage"] = "typed_time"
    elif action == "noplace":
        draft["place"] = ""
        draft["stage"] = "confirm"
    elif action == "again":
        draft.update(stage="frequency", minute=None, place="")
    elif action == "save" and draft["stage"] == "confirm":
        await query.answer()
        await _save(update, context, team, draft, new=False)
        return
    else:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    await query.answer()
    await _show_draft(update, context, team, draft, new=False)


async def draft_typed(update: Update, context: BotContext) -> bool:
    """A typed time or place for the flow (in a group: a reply to the bot). True if taken."""
    message = update.effective_message
    user = update.effective_user
    if context.chat_data is None or message is None or user is None:
        return False
    draft = context.chat_data.get(DRAFT)
    if not draft or draft["user"] != user.id or draft["stage"] not in ("typed_time", "place"):
        return False
    team = context.config.team(draft["team"])
    if team is None:
        return False
    lang = draft["lang"]
    text = (message.text or "").strip()
    if draft["stage"] == "typed_time":
        minute = parse_time(text)
        if minute is None:
            await reply(update, context, "supervision_time_invalid", lang)
            return True
        draft["minute"] = minute
        draft["stage"] = "place"
    else:
        if not text or len(text) > MAX_PLACE:
            await reply(update, context, "supervision_place_invalid", lang, limit=MAX_PLACE)
            return True
        draft["place"] = _SPACES.sub(" ", text)
        draft["stage"] = "confirm"
    await _show_draft(update, context, team, draft, new=True)
    return True


async def _save(
    update: Update, context: BotContext, team: Team, draft: dict[str, Any], *, new: bool
) -> None:
    if context.chat_data is not None:
        context.chat_data.pop(DRAFT, None)
    s = _draft_series(context, team, draft)
    if draft["series_id"] is None:
        series_id = await context.repo.add_series(
            team.id,
            s.frequency,
            s.weekday,
            s.week_of_month,
            s.minute,
            s.timezone,
            s.first.isoformat(),
            draft["place"],
            context.now_ts(),
        )
    else:
        series_id = draft["series_id"]
        await context.repo.update_series(
            series_id,
            s.frequency,
            s.weekday,
            s.week_of_month,
            s.minute,
            s.timezone,
            s.first.isoformat(),
            draft["place"],
        )
    stored = await context.repo.get_series(series_id)
    assert stored is not None
    await reschedule(context, stored)
    moments = await upcoming(context, stored, 1)
    values = {
        **describe(context, draft["lang"], s, draft["place"]),
        "first": when(context, draft["lang"], moments[0], s.timezone) if moments else "",
        "notes": clock_notes(context, draft["lang"], s),
        "offsets": [f"{h:g}" for h in context.config.supervision.reminder_offsets_hours],
        "changed": draft["series_id"] is not None,
    }
    if new:
        await reply(update, context, "supervision_saved", draft["lang"], None, **values)
    else:
        await edit(update, context, "supervision_saved", draft["lang"], None, **values)


# --- listing, skipping, changing, cancelling ------------------------------------------------------


async def _teams_for(person: Person, context: BotContext, chat_id: int) -> list[Team]:
    """Whose sessions to show: a group's own team, or in a private chat the person's teams.
    A group that is not a team's channel gets nothing: a schedule and its video link are not
    for any group a member happens to be in."""
    group = await context.repo.get_group(chat_id)
    if group is not None:
        team = context.config.team(group.team_id)
        return [team] if team else []
    if chat_id < 0:
        return []
    if person.coordinates:
        return list(person.coordinates)
    if person.member is not None:
        team = context.config.team(person.member.team_id)
        return [team] if team else []
    return []


async def sessions(update: Update, context: BotContext) -> None:
    """/sessions: upcoming sessions; coordinators get skip / change / cancel buttons."""
    person = await who(update, context)
    chat = update.effective_chat
    if person is None or chat is None:
        return
    teams = await _teams_for(person, context, chat.id)
    if not teams:
        if chat.type == "private":
            await reply(
                update,
                context,
                "checkin_needs_member",
                person.lang,
                coordinator=person.is_coordinator,
            )
        return
    lang = teams[0].language if chat.type != "private" else person.lang
    await _list(update, context, person, teams, lang, new=True)


async def _list(
    update: Update, context: BotContext, person: Person, teams: list[Team], lang: str, *, new: bool
) -> None:
    rows: list[dict[str, Any]] = []
    buttons: list[list[tuple[str, str]]] = []
    label = context.prompts.label
    for team in teams:
        for s in await context.repo.series_for_team(team.id):
            moments = await upcoming(context, s, 3)
            rows.append(
                {
                    **describe(context, lang, as_series(s), s.place),
                    "team_name": team.name,
                    "dates": [when(context, lang, m, s.timezone) for m in moments],
                }
            )
            if team in person.coordinates and moments:
                day = moments[0].astimezone(ZoneInfo(s.timezone)).date()
                buttons.append(
                    [
                        (
                            label(
                                "skip_date",
                                lang,
                                day=context.prompts.format_day(
                                    datetime.combine(day, datetime.min.time()), lang
                                ),
                            ),
                            f"sv:skip:{s.id}-{day:%Y%m%d}",
                        ),
                        (label("change", lang), f"sv:edit:{s.id}"),
                        (label("cancel_series", lang), f"sv:cancel:{s.id}"),
                    ]
                )
    if new:
        await reply(update, context, "supervision_list", lang, buttons or None, series=rows)
    else:
        await edit(update, context, "supervision_list", lang, buttons or None, series=rows)


async def _own_series(
    update: Update, context: BotContext, series_id: int
) -> tuple[Person, Team, SupervisionSeries] | None:
    query = update.callback_query
    person = await who(update, context)
    if query is None or person is None:
        return None
    s = await context.repo.get_series(series_id)
    team = next((t for t in person.coordinates if s and t.id == s.team_id), None)
    if s is None:
        await query.answer(context.prompts.label("session_gone", person.lang))
        return None
    if team is None:
        await query.answer(context.prompts.label("coordinators_only", person.lang), show_alert=True)
        return None
    return person, team, s


async def manage_pressed(update: Update, context: BotContext) -> None:
    """Skip one date, change, or cancel a series (coordinators of its team only)."""
    query = update.callback_query
    parts = callback_parts(update)
    if query is None or parts is None:
        return
    _, action, argument = parts
    series_text, _, value = argument.partition("-")
    if not series_text.isdigit():
        await query.answer()
        return
    found = await _own_series(update, context, int(series_text))
    if found is None:
        return
    person, team, s = found
    chat = update.effective_chat
    lang = team.language if chat and chat.type != "private" else person.lang
    if action == "skip":
        try:
            day = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            await query.answer(context.prompts.label("button_expired", person.lang))
            return
        await context.repo.add_skip(s.id, day.isoformat())
        await reschedule(context, s)
        await query.answer(context.prompts.label("date_skipped", lang))
        await _list(update, context, person, [team], lang, new=False)
    elif action == "edit":
        await query.answer()
        await _start_draft(update, context, team, s.id, new=True, lang=lang)
    elif action == "cancel":
        await query.answer()
        await reply(
            update,
            context,
            "supervision_cancel_confirm",
            lang,
            [
                [
                    (context.prompts.label("yes_cancel", lang), f"sv:cancelyes:{s.id}"),
                    (context.prompts.label("keep_it", lang), f"sv:keep:{s.id}"),
                ]
            ],
            **describe(context, lang, as_series(s), s.place),
        )
    elif action == "cancelyes":
        await context.repo.delete_series(s.id, team.id)
        await query.answer()
        await edit(update, context, "supervision_cancelled", lang)
    elif action == "keep":
        await query.answer()
        await edit(update, context, "supervision_kept", lang)


# --- reminders and RSVPs -----------------------------------------------------------------------


def voter_code(key: bytes, series_id: int, session_at: int, user_id: int) -> str:
    """A one-way code for "this person, this session": lets them change their answer, tells no
    one with the database alone who they are (the key lives in its own file)."""
    message = f"{series_id}:{session_at}:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


async def forget_answers(context: BotContext, team_id: str, user_id: int) -> int:
    """Remove a person's answers to the team's upcoming sessions (for /forget)."""
    removed = 0
    for s in await context.repo.series_for_team(team_id):
        for moment in await upcoming(context, s, 4):
            at = int(moment.timestamp())
            code = voter_code(context.services.code_key, s.id, at, user_id)
            removed += await context.repo.delete_rsvp(s.id, at, code)
    return removed


async def _reminder_values(
    context: BotContext, team: Team, s: SupervisionSeries, session_at: int
) -> dict[str, Any]:
    going, not_going = await context.repo.rsvp_counts(s.id, session_at)
    moment = datetime.fromtimestamp(session_at, UTC)
    hours = (moment - context.now()).total_seconds() / 3600
    return {
        "when": when(context, team.language, moment, s.timezone),
        "hours": max(0, round(hours)),
        "place": s.place,
        "going": going,
        "not_going": not_going,
        "topics": len(await context.repo.topics(team.id, session_at)),
    }


def _rsvp_buttons(context: BotContext, lang: str, series_id: int, session_at: int) -> Buttons:
    return [
        [
            (context.prompts.label("going", lang), f"sv:yes:{series_id}-{session_at}"),
            (context.prompts.label("not_going", lang), f"sv:no:{series_id}-{session_at}"),
        ]
    ]


async def send_due_reminders(context: BotContext) -> int:
    """Send every supervision reminder whose time has come; returns how many were sent."""
    now = context.now()
    now_ts = int(now.timestamp())
    grace = context.config.supervision.grace_minutes * 60
    sent = dropped = 0
    for s in await context.repo.due_series(now_ts):
        due_at, session_at = s.next_reminder_at, s.next_session_at
        assert due_at is not None
        assert session_at is not None
        found = next_reminder(
            as_series(s),
            datetime.fromtimestamp(due_at, UTC),
            offsets(context),
            await skipped(context, s.id),
        )
        following = (
            (int(found[0].timestamp()), int(found[1].timestamp())) if found else (None, None)
        )
        if not await context.repo.advance_series(s.id, due_at, *following):
            continue
        # Catch up: never leave a series pointing at a reminder that is already stale.
        while found and int(found[1].timestamp()) <= now_ts - grace:
            found = next_reminder(
                as_series(s), found[1], offsets(context), await skipped(context, s.id)
            )
            await context.repo.set_series_next(
                s.id,
                int(found[0].timestamp()) if found else None,
                int(found[1].timestamp()) if found else None,
            )
        if now_ts - due_at > grace or now_ts >= session_at:
            dropped += 1
            continue
        team = context.config.team(s.team_id)
        if team is None:
            continue
        message = await send_to_team_group(
            context,
            team,
            "supervision_reminder",
            _rsvp_buttons(context, team.language, s.id, session_at),
            **await _reminder_values(context, team, s, session_at),
        )
        if message is not None:
            sent += 1
    if sent or dropped:
        log.info("supervision reminders: %d sent, %d too late and dropped", sent, dropped)
    return sent


async def rsvp_pressed(update: Update, context: BotContext) -> None:
    """*Going* / *Can't make it*: record (or change) the answer and show the new counts."""
    query = update.callback_query
    parts = callback_parts(update)
    user = update.effective_user
    if query is None or parts is None or user is None:
        return
    _, action, argument = parts
    series_text, _, session_text = argument.partition("-")
    lang = context.prompts.language(user.language_code, context.config.default_language)
    s = await context.repo.get_series(int(series_text)) if series_text.isdigit() else None
    session_at = int(session_text) if session_text.isdigit() else 0
    team = context.config.team(s.team_id) if s else None
    # Only a session this series really has coming up: a forged or stale button stores nothing.
    coming = {int(m.timestamp()) for m in await upcoming(context, s, 4)} if s else set()
    if s is None or team is None or session_at not in coming:
        await query.answer(context.prompts.label("session_gone", lang))
        return
    going = action == "yes"
    await context.repo.set_rsvp(
        s.id, session_at, voter_code(context.services.code_key, s.id, session_at, user.id), going
    )
    await query.answer(
        context.prompts.label("rsvp_going" if going else "rsvp_not_going", team.language)
    )
    await edit(
        update,
        context,
        "supervision_reminder",
        team.language,
        _rsvp_buttons(context, team.language, s.id, session_at),
        **await _reminder_values(context, team, s, session_at),
    )


async def group_reply(update: Update, context: BotContext) -> None:
    """A reply to the bot in a group: the only group text it sees. Used by the flow."""
    await draft_typed(update, context)


HANDLERS = [
    CommandHandler("schedule", schedule, filters=GROUP_MESSAGE),
    CommandHandler("sessions", sessions, filters=filters.UpdateType.MESSAGE),
    CallbackQueryHandler(
        draft_pressed,
        pattern=r"^sv:(freq|day|week|time|other|noplace|again|save):[0-9a-f]{8}(-[a-z0-9]{1,12})?$",
    ),
    CallbackQueryHandler(
        manage_pressed, pattern=r"^sv:(skip|edit|cancel|cancelyes|keep):\d{1,12}(-\d{8})?$"
    ),
    CallbackQueryHandler(rsvp_pressed, pattern=r"^sv:(yes|no):\d{1,12}-\d{1,12}$"),
    MessageHandler(GROUP_MESSAGE & filters.REPLY & filters.TEXT & ~filters.COMMAND, group_reply),
]
