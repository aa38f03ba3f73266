"""A person's own data: see it (/mydata), take it (/export), erase it (/forget)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from handlers.common import callback_parts, edit, new_nonce, reply, who
from handlers.menus import clear_chat_menu
from handlers.signposting import HARD_FLAGS
from handlers.supervision import forget_answers

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
PENDING_FORGET = "pending_forget"


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


async def my_data(update: Update, context: BotContext) -> None:
    """Everything stored about the person, in plain words."""
    person = await who(update, context)
    if person is None:
        return
    if person.member is None:
        await reply(update, context, "mydata_none", person.lang, coordinator=person.is_coordinator)
        return
    m = person.member
    team = context.config.team(m.team_id)
    zone = ZoneInfo(m.timezone)

    def day(ts: int) -> str:
        local = datetime.fromtimestamp(ts, UTC).astimezone(zone)
        return context.prompts.format_day(local, person.lang, with_time=True)

    checkins = await context.repo.checkins_since(m.user_id, 0)
    progress = await context.repo.get_progress(m.user_id)
    nudge = await context.repo.get_nudge(m.user_id)
    days = context.prompts.label("weekdays", person.lang).split()
    await reply(
        update,
        context,
        "mydata",
        person.lang,
        user_id=m.user_id,
        team_name=team.name if team else m.team_id,
        role=context.prompts.label(f"role_{m.role.value}", person.lang),
        language=context.prompts.label("language_name", m.language),
        timezone=m.timezone,
        consented=day(m.consented_at),
        last_seen=day(m.last_seen_at),
        retention_days=context.config.retention_days,
        active=m.active,
        checkins=len(checkins),
        last_checkin=day(checkins[-1].completed_at) if checkins else "",
        # The same "flagged" as signposting and team figures: a heavy load, asking to talk, risk.
        flagged=sum(1 for c in checkins if c.flags & HARD_FLAGS),
        contact_requests=sum(1 for c in checkins if c.contact_requested),
        in_progress=day(progress.started_at) if progress else "",
        nudge_days=", ".join(days[i] for i in range(7) if nudge and nudge.weekdays & (1 << i)),
        nudge_time=f"{nudge.minute // 60:02d}:{nudge.minute % 60:02d}" if nudge else "",
    )


def export_document(data: dict[str, Any], now: datetime) -> bytes:
    """The export as indented UTF-8 JSON, with when it was made and what the times mean."""
    body = {
        "exported_at": now.astimezone(UTC).isoformat(),
        "about": "Everything peer-reflect stores about you. Times are Unix seconds (UTC).",
        **data,
    }
    member = body.get("member")
    if isinstance(member, dict):
        for key in ("consented_at", "last_seen_at"):
            if isinstance(member.get(key), int):
                member[f"{key}_utc"] = _iso(member[key])
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")


async def export(update: Update, context: BotContext) -> None:
    """Send the person their data as a JSON file."""
    person = await who(update, context)
    if person is None:
        return
    data = await context.repo.export_member(person.user_id)
    if data is None:
        await reply(update, context, "mydata_none", person.lang, coordinator=person.is_coordinator)
        return
    await context.bot.send_document(
        chat_id=person.chat_id,
        document=InputFile(
            export_document(data, context.now()), filename="peer-reflect-my-data.json"
        ),
        caption=context.prompts.render("export_caption", person.lang),
        parse_mode="HTML",
    )


async def forget(update: Update, context: BotContext) -> None:
    """Ask once before erasing: erasure cannot be undone."""
    person = await who(update, context)
    if person is None or context.user_data is None:
        return
    if person.member is None:
        await reply(update, context, "forget_nothing", person.lang)
        return
    nonce = new_nonce()
    context.user_data[PENDING_FORGET] = nonce
    await reply(
        update,
        context,
        "forget_confirm",
        person.lang,
        [
            [
                (context.prompts.label("forget_yes", person.lang), f"forget:yes:{nonce}"),
                (context.prompts.label("forget_no", person.lang), f"forget:no:{nonce}"),
            ]
        ],
        coordinator=person.is_coordinator,
    )


async def forget_pressed(update: Update, context: BotContext) -> None:
    """Erase on *Yes*; a second tap or an old confirmation finds nothing left to do."""
    query = update.callback_query
    parts = callback_parts(update)
    person = await who(update, context)
    if query is None or parts is None or person is None or context.user_data is None:
        return
    _, action, nonce = parts
    if context.user_data.get(PENDING_FORGET) != nonce:
        label = "already_erased" if person.member is None else "button_expired"
        await query.answer(context.prompts.label(label, person.lang))
        return
    del context.user_data[PENDING_FORGET]
    await query.answer()
    if action == "no":
        await edit(update, context, "forget_cancelled", person.lang)
        return
    if person.member is not None:
        await forget_answers(context, person.member.team_id, person.user_id)
    erased = await context.repo.forget_member(person.user_id)
    context.user_data.clear()
    await edit(
        update,
        context,
        "forget_done" if erased else "forget_nothing",
        person.lang,
        coordinator=person.is_coordinator,
    )
    await clear_chat_menu(context, person.chat_id)


HANDLERS = [
    CommandHandler("mydata", my_data, filters=PRIVATE_MESSAGE),
    CommandHandler("export", export, filters=PRIVATE_MESSAGE),
    CommandHandler("forget", forget, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(forget_pressed, pattern=r"^forget:(yes|no):[A-Za-z0-9_-]{1,40}$"),
]
