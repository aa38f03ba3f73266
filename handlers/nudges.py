"""After-shift nudges: at the times a person usually finishes, one short "how was your shift?".

Nudges live in SQLite with their next due time. One periodic job asks the database what is due
(cheap for thousands of people); a nudge missed while the bot was down is sent if it is at most
the grace period late, older ones are dropped, and none is sent twice: the row is moved on to
its next time before the message goes.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from core.schedule import WEEKDAYS, mask_days, next_occurrence, weekday_mask
from handlers.common import (
    Buttons,
    Person,
    callback_parts,
    edit,
    member_or_refuse,
    new_nonce,
    reply,
    send,
    start_waiting,
    stop_waiting,
    waiting_for,
)
from storage import Member, Nudge

log = logging.getLogger(__name__)

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
DRAFT = "nudge_draft"
AWAITING_NUDGE_TIME = "nudge_time"
QUICK_TIMES = (16 * 60, 17 * 60, 18 * 60, 19 * 60, 20 * 60, 21 * 60, 22 * 60)
# No nudge within this long after a finished check-in: it would only nag.
QUIET_AFTER_CHECKIN = 3 * 3600
_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:.h]\s*([0-5]\d)\s*$")


def parse_time(text: str) -> int | None:
    """'17:30', '7.05', '18h00' to minutes after midnight; None if it is not a clock time."""
    match = _TIME.match(text)
    if not match:
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


def next_due(after: datetime, weekdays: int, minute: int, timezone: str) -> int | None:
    moment = next_occurrence(after, weekdays, time(minute // 60, minute % 60), ZoneInfo(timezone))
    return int(moment.timestamp()) if moment else None


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _days(context: BotContext, lang: str, mask: int) -> str:
    names = context.prompts.label("weekdays", lang).split()
    return ", ".join(names[i] for i in mask_days(mask))


def _local(ts: int, timezone: str) -> datetime:
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(timezone))


async def _member(update: Update, context: BotContext) -> Person | None:
    return await member_or_refuse(update, context, "checkin_needs_member")


def _panel_buttons(context: BotContext, lang: str, draft: dict[str, Any]) -> Buttons:
    label = context.prompts.label
    nonce = draft["nonce"]
    names = label("weekdays", lang).split()
    days = [
        (("✓ " if draft["days"] & (1 << i) else "") + names[i], f"ng:day:{nonce}-{i}")
        for i in range(7)
    ]
    times = [
        (("✓ " if draft["minute"] == m else "") + _clock(m), f"ng:at:{nonce}-{m}")
        for m in QUICK_TIMES
    ]
    times.append((label("nudge_other_time", lang), f"ng:other:{nonce}"))
    return [
        days[:4],
        days[4:],
        times[:4],
        times[4:],
        [
            (label("nudge_save", lang), f"ng:save:{nonce}"),
            (label("nudge_off", lang), f"ng:off:{nonce}"),
        ],
    ]


async def _show_panel(
    update: Update, context: BotContext, person: Person, draft: dict[str, Any], *, new: bool
) -> None:
    values = {
        "days": _days(context, person.lang, draft["days"]),
        "time": _clock(draft["minute"]) if draft["minute"] is not None else "",
        "timezone": person.member.timezone if person.member else "",
    }
    buttons = _panel_buttons(context, person.lang, draft)
    if new:
        await reply(update, context, "nudge_panel", person.lang, buttons, **values)
    else:
        await edit(update, context, "nudge_panel", person.lang, buttons, **values)


async def nudge_command(update: Update, context: BotContext) -> None:
    """/nudge shows the panel; `/nudge off`, `/nudge mon,wed 17:30`, `/nudge weekdays 18:00`
    and `/nudge daily 21:00` set it in one line."""
    person = await _member(update, context)
    if person is None or person.member is None or context.user_data is None:
        return
    args = [a.lower() for a in (context.args or [])]
    if args in (["off"], ["aus"]):
        await _turn_off(update, context, person)
        return
    if args:
        await _one_liner(update, context, person, args)
        return
    current = await context.repo.get_nudge(person.user_id)
    draft = {
        "nonce": new_nonce(),
        "days": current.weekdays if current else 0,
        "minute": current.minute if current else None,
    }
    context.user_data[DRAFT] = draft
    if current:
        await reply(
            update,
            context,
            "nudge_current",
            person.lang,
            days=_days(context, person.lang, current.weekdays),
            time=_clock(current.minute),
            next=_next_text(context, person, current.next_due_at),
        )
    await _show_panel(update, context, person, draft, new=True)


def _next_text(context: BotContext, person: Person, ts: int) -> str:
    assert person.member is not None
    local = _local(ts, person.member.timezone)
    day = context.prompts.label("weekdays", person.lang).split()[local.weekday()]
    return f"{day} {context.prompts.format_day(local, person.lang, with_time=True)}"


async def _one_liner(update: Update, context: BotContext, person: Person, args: list[str]) -> None:
    minute = parse_time(args[-1]) if args else None
    days_text = " ".join(args[:-1]).replace(",", " ").split()
    mask = 0
    if days_text in (["weekdays"], ["werktags"]):
        mask = 0b001_1111
    elif days_text in (["daily"], ["every", "day"], ["täglich"], ["taglich"]):
        mask = 0b111_1111
    else:
        try:
            mask = weekday_mask(days_text) if days_text else 0
        except ValueError:
            mask = 0
    if minute is None or mask == 0:
        await reply(update, context, "nudge_usage", person.lang)
        return
    await _save(update, context, person, mask, minute, edit_panel=False)


async def _save(
    update: Update,
    context: BotContext,
    person: Person,
    mask: int,
    minute: int,
    *,
    edit_panel: bool,
) -> None:
    assert person.member is not None
    due = next_due(context.now(), mask, minute, person.member.timezone)
    assert due is not None
    await context.repo.set_nudge(Nudge(person.user_id, mask, minute, due))
    values = {
        "days": _days(context, person.lang, mask),
        "time": _clock(minute),
        "timezone": person.member.timezone,
        "next": _next_text(context, person, due),
    }
    if edit_panel:
        await edit(update, context, "nudge_saved", person.lang, None, **values)
    else:
        await reply(update, context, "nudge_saved", person.lang, None, **values)


async def _turn_off(update: Update, context: BotContext, person: Person) -> None:
    had = await context.repo.delete_nudge(person.user_id)
    template = "nudge_turned_off" if had else "nudge_were_off"
    if update.callback_query:
        await edit(update, context, template, person.lang)
    else:
        await reply(update, context, template, person.lang)


async def panel_pressed(update: Update, context: BotContext) -> None:
    """The buttons of the /nudge panel."""
    query = update.callback_query
    parts = callback_parts(update)
    if query is None or parts is None:
        return
    person = await _member(update, context)
    if person is None or context.user_data is None:
        return
    _, action, argument = parts
    nonce, _, value = argument.partition("-")
    draft = context.user_data.get(DRAFT)
    if not draft or draft.get("nonce") != nonce:
        await query.answer(context.prompts.label("nudge_panel_expired", person.lang))
        return
    if action == "day" and value.isdigit() and int(value) < 7:
        draft["days"] ^= 1 << int(value)
    elif action == "at" and value.isdigit() and int(value) in QUICK_TIMES:
        draft["minute"] = int(value)
    elif action == "other":
        start_waiting(context, AWAITING_NUDGE_TIME)
        await query.answer()
        await reply(update, context, "nudge_time_ask", person.lang)
        return
    elif action == "off":
        context.user_data.pop(DRAFT, None)
        await query.answer()
        await _turn_off(update, context, person)
        return
    elif action == "save":
        if not draft["days"] or draft["minute"] is None:
            await query.answer(
                context.prompts.label("nudge_pick_first", person.lang), show_alert=True
            )
            return
        context.user_data.pop(DRAFT, None)
        await query.answer()
        await _save(update, context, person, draft["days"], draft["minute"], edit_panel=True)
        return
    else:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    await query.answer()
    await _show_panel(update, context, person, draft, new=False)


async def time_typed(update: Update, context: BotContext, person: Person) -> bool:
    """The typed time after *Other time*. True if the message was taken as one."""
    if context.user_data is None or not waiting_for(context, AWAITING_NUDGE_TIME):
        return False
    message = update.effective_message
    draft = context.user_data.get(DRAFT)
    if message is None or draft is None:
        stop_waiting(context)
        return False
    minute = parse_time(message.text or "")
    if minute is None:
        await reply(update, context, "nudge_time_invalid", person.lang)
        return True
    stop_waiting(context)
    draft["minute"] = minute
    await _show_panel(update, context, person, draft, new=True)
    return True


async def reschedule(context: BotContext, user_id: int, timezone: str) -> None:
    """After a time-zone change: the same local time, in the new zone."""
    nudge = await context.repo.get_nudge(user_id)
    if nudge is None:
        return
    due = next_due(context.now(), nudge.weekdays, nudge.minute, timezone)
    if due is not None:
        await context.repo.set_nudge(Nudge(user_id, nudge.weekdays, nudge.minute, due))


# --- the periodic job -------------------------------------------------------------------------


async def send_due_nudges(context: BotContext) -> int:
    """Send every nudge whose time has come; returns how many were sent."""
    now = context.now()
    now_ts = int(now.timestamp())
    grace = context.config.checkin.nudge_grace_minutes * 60
    sent = dropped = 0
    for nudge, member in await context.repo.due_nudges(now_ts):
        following = next_due(now, nudge.weekdays, nudge.minute, member.timezone)
        if following is None or not await context.repo.advance_nudge(
            nudge.user_id, nudge.next_due_at, following
        ):
            continue
        if now_ts - nudge.next_due_at > grace:
            dropped += 1
            continue
        if not member.active or await _recently_reflected(context, member, now_ts):
            continue
        if await _deliver(context, member):
            sent += 1
    if sent or dropped:
        log.info("nudges: %d sent, %d too late and dropped", sent, dropped)
    return sent


async def _recently_reflected(context: BotContext, member: Member, now_ts: int) -> bool:
    if await context.repo.get_progress(member.user_id) is not None:
        return True
    return bool(await context.repo.checkins_since(member.user_id, now_ts - QUIET_AFTER_CHECKIN))


async def _deliver(context: BotContext, member: Member) -> bool:
    try:
        await send(
            context,
            member.chat_id,
            "nudge_message",
            member.language,
            [[(context.prompts.label("check_in_now", member.language), "ci:start:now")]],
        )
    except Forbidden:
        await context.repo.mark_inactive(member.user_id)
        return False
    except TelegramError as exc:
        log.warning("a nudge could not be sent (%s)", type(exc).__name__)
        return False
    return True


HANDLERS = [
    CommandHandler("nudge", nudge_command, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(
        panel_pressed, pattern=r"^ng:(day|at|other|save|off):[A-Za-z0-9_]{1,12}(-\d{1,4})?$"
    ),
]

__all__ = ["HANDLERS", "WEEKDAYS", "reschedule", "send_due_nudges", "time_typed"]
