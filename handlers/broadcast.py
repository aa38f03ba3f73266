"""Coordinator broadcasts: compose, preview, confirm, deliver, report.

Delivery runs as a background task so the bot keeps answering everyone else while it works
through the team within Telegram's flood limits (python-telegram-bot's AIORateLimiter). A
member who blocked the bot is marked inactive, not deleted; the coordinator gets a report of
sent, blocked and failed. The message itself is held in memory until it is sent, never stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from markupsafe import Markup
from telegram import Update
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.config import Team
from bot.context import BotContext
from handlers.common import Person, edit, reply, send, who
from handlers.compose import Compose
from storage import Member

log = logging.getLogger(__name__)

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
MAX_BROADCAST = 3000
MESSAGE = Compose("broadcast_text", "broadcast_pending", "bc", "send", "broadcast", MAX_BROADCAST)
PENDING = MESSAGE.pending_key
RETRIES = 3


@dataclass
class Report:
    sent: int = 0
    blocked: int = 0
    failed: int = 0


async def broadcast(update: Update, context: BotContext) -> None:
    """/broadcast [team]: coordinators only."""
    person = await who(update, context)
    if person is None or context.user_data is None:
        return
    if not person.is_coordinator:
        await reply(update, context, "coordinator_only", person.lang)
        return
    wanted = (context.args or [""])[0]
    team = next((t for t in person.coordinates if t.id == wanted), None) if wanted else None
    if team is None:
        if wanted or len(person.coordinates) > 1:
            await reply(
                update,
                context,
                "broadcast_which",
                person.lang,
                teams=[t.id for t in person.coordinates],
            )
            return
        team = person.coordinates[0]
    if not await _recipients(context, team, person):
        await reply(update, context, "broadcast_nobody", person.lang, team_name=team.name)
        return
    MESSAGE.begin(context, team=team.id)
    await reply(update, context, "broadcast_ask", person.lang, team_name=team.name)


async def broadcast_typed(update: Update, context: BotContext, person: Person) -> bool:
    """The typed message: a preview of exactly what each member gets, and how many."""
    if not person.is_coordinator:
        return False
    taken = await MESSAGE.take(update, context, person)
    if isinstance(taken, bool):
        return taken
    team = context.config.team(taken["team"])
    if team is None:
        return False
    recipients = await _recipients(context, team, person)
    preview = context.prompts.render(
        "broadcast_message", team.language, team_name=team.name, text=taken["text"]
    )
    await reply(
        update,
        context,
        "broadcast_preview",
        person.lang,
        MESSAGE.buttons(context, person.lang, taken, "send_to", "dont_send", count=len(recipients)),
        # Our own template's output, with the text escaped inside it: safe to embed.
        preview=Markup(preview),  # noqa: S704
        count=len(recipients),
    )
    return True


async def _recipients(context: BotContext, team: Team, person: Person) -> list[Member]:
    return [m for m in await context.repo.active_members(team.id) if m.user_id != person.user_id]


async def broadcast_pressed(update: Update, context: BotContext) -> None:
    person = await who(update, context)
    query = update.callback_query
    if person is None or query is None:
        return
    pressed = await MESSAGE.pressed(update, context, person)
    if pressed is None:
        return
    confirmed, pending = pressed
    team = context.config.team(pending["team"])
    if team is None or team not in person.coordinates:
        await query.answer(context.prompts.label("coordinators_only", person.lang), show_alert=True)
        return
    await query.answer()
    if not confirmed:
        await edit(update, context, "broadcast_dropped", person.lang)
        return
    recipients = await _recipients(context, team, person)
    await edit(update, context, "broadcast_sending", person.lang, count=len(recipients))
    task = deliver_and_report(context, person, team, recipients, pending["text"])
    context.services.keep(
        context.application.create_task(task, update=update, name=f"broadcast:{team.id}")
    )


async def deliver_and_report(
    context: BotContext, person: Person, team: Team, recipients: list[Member], text: str
) -> Report:
    report = await deliver(context, team, recipients, text)
    log.info(
        "broadcast: %d sent, %d blocked, %d failed", report.sent, report.blocked, report.failed
    )
    await send(
        context,
        person.chat_id,
        "broadcast_report",
        person.lang,
        sent=report.sent,
        blocked=report.blocked,
        failed=report.failed,
    )
    return report


async def deliver(context: BotContext, team: Team, recipients: list[Member], text: str) -> Report:
    """Send to each recipient in turn; the rate limiter paces, 429s are waited out."""
    report = Report()
    for member in recipients:
        for attempt in range(RETRIES + 1):
            try:
                await send(
                    context,
                    member.chat_id,
                    "broadcast_message",
                    member.language,
                    team_name=team.name,
                    text=text,
                )
                report.sent += 1
            except Forbidden:
                await context.repo.mark_inactive(member.user_id)
                report.blocked += 1
            except RetryAfter as exc:
                if attempt < RETRIES:
                    await context.services.sleep(_seconds(exc.retry_after))
                    continue
                report.failed += 1
            except TelegramError as exc:
                log.warning("a broadcast message failed (%s)", type(exc).__name__)
                report.failed += 1
            break
    return report


def _seconds(value: object) -> float:
    seconds = getattr(value, "total_seconds", None)
    return float(seconds()) if callable(seconds) else float(value)  # type: ignore[arg-type]


HANDLERS = [
    CommandHandler("broadcast", broadcast, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(broadcast_pressed, pattern=MESSAGE.pattern),
]

__all__ = ["HANDLERS", "Report", "broadcast_typed", "deliver"]
