"""Coordinators create, list and revoke invite links."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.config import Config, Team
from bot.context import BotContext
from handlers.common import Person, callback_parts, edit, reply, who
from storage import Invite
from storage.invite_codes import hash_code, new_code

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
# str.isdigit() also accepts "³" and other digits int() cannot read.
_ASCII_NUMBER = re.compile(r"[0-9]+")


class UsageError(Exception):
    """The /invite arguments could not be understood; the message explains to the person."""


def parse_invite_args(
    args: list[str], config: Config, teams: tuple[Team, ...]
) -> tuple[Team, int, int]:
    """Read `/invite [days] [uses] [team=ID]` (also `days=N uses=N`) into checked values."""
    days, uses, team_id = config.invites.days, config.invites.uses, ""
    positional: list[str] = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep:
            positional.append(arg)
        elif key.lower() in ("days", "uses"):
            positional_value = _whole(value, key.lower())
            if key.lower() == "days":
                days = positional_value
            else:
                uses = positional_value
        elif key.lower() == "team":
            team_id = value
        else:
            raise UsageError(f"unknown:{key[:20]}")
    if len(positional) > 2:
        raise UsageError("too_many")
    if positional:
        days = _whole(positional[0], "days")
    if len(positional) == 2:
        uses = _whole(positional[1], "uses")
    if not 1 <= days <= config.invites.max_days:
        raise UsageError("days_range")
    if not 1 <= uses <= config.invites.max_uses:
        raise UsageError("uses_range")
    if team_id:
        team = next((t for t in teams if t.id == team_id), None)
        if team is None:
            raise UsageError("team_unknown")
    elif len(teams) == 1:
        team = teams[0]
    else:
        raise UsageError("team_needed")
    return team, days, uses


def _whole(value: str, what: str) -> int:
    value = value.strip().lower().removesuffix("d") if what == "days" else value.strip()
    if not _ASCII_NUMBER.fullmatch(value) or len(value) > 6:
        raise UsageError(f"not_number_{what}")
    return int(value)


def _local(ts: int, team: Team) -> datetime:
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(team.timezone))


async def _coordinator(update: Update, context: BotContext) -> Person | None:
    """The sender if they coordinate a team; everyone else gets a plain refusal."""
    person = await who(update, context)
    if person is None:
        return None
    if not person.is_coordinator:
        if update.callback_query:
            await update.callback_query.answer(
                context.prompts.label("coordinators_only", person.lang), show_alert=True
            )
        else:
            await reply(update, context, "coordinator_only", person.lang)
        return None
    return person


async def invite(update: Update, context: BotContext) -> None:
    """Make a new invite link for the coordinator's team."""
    person = await _coordinator(update, context)
    if person is None:
        return
    try:
        team, days, uses = parse_invite_args(
            list(context.args or []), context.config, person.coordinates
        )
    except UsageError as exc:
        await reply(
            update,
            context,
            "invite_usage",
            person.lang,
            problem=str(exc),
            teams=[t.id for t in person.coordinates],
            max_days=context.config.invites.max_days,
            max_uses=context.config.invites.max_uses,
            default_days=context.config.invites.days,
            default_uses=context.config.invites.uses,
        )
        return
    code = new_code()
    now = context.now_ts()
    expires_at = int((context.now() + timedelta(days=days)).timestamp())
    created = await context.repo.create_invite(hash_code(code), team.id, expires_at, uses, now)
    await reply(
        update,
        context,
        "invite_created",
        person.lang,
        link=f"https://t.me/{context.bot.username}?start={code}",
        team_name=team.name,
        number=created.id,
        expires=context.prompts.format_day(_local(expires_at, team), person.lang, with_time=True),
        uses=uses,
    )


def _listing(
    context: BotContext, person: Person, invites: list[Invite]
) -> tuple[list[dict[str, object]], list[list[tuple[str, str]]]]:
    teams = {t.id: t for t in person.coordinates}
    rows = []
    buttons = []
    for item in invites:
        team = teams[item.team_id]
        rows.append(
            {
                "number": item.id,
                "team_name": team.name,
                "expires": context.prompts.format_day(
                    _local(item.expires_at, team), person.lang, with_time=True
                ),
                "uses_left": item.uses_left,
            }
        )
        buttons.append(
            [
                (
                    context.prompts.label("revoke_invite", person.lang, number=item.id),
                    f"inv:rv:{item.id}",
                )
            ]
        )
    return rows, buttons


async def list_invites(update: Update, context: BotContext) -> None:
    """Show the links still open, each with a button to revoke it."""
    person = await _coordinator(update, context)
    if person is None:
        return
    invites = await context.repo.list_invites(person.team_ids, context.now_ts())
    rows, buttons = _listing(context, person, invites)
    await reply(update, context, "invites_list", person.lang, buttons or None, invites=rows)


async def revoke_command(update: Update, context: BotContext) -> None:
    """`/revoke N`: the typed form of the revoke button."""
    person = await _coordinator(update, context)
    if person is None:
        return
    arg = (context.args or [""])[0].lstrip("#")
    if not _ASCII_NUMBER.fullmatch(arg) or len(arg) > 12:
        await reply(update, context, "revoke_usage", person.lang)
        return
    done = await context.repo.revoke_invite(int(arg), person.team_ids)
    await reply(
        update,
        context,
        "invite_revoked" if done else "invite_not_found",
        person.lang,
        number=int(arg),
    )


async def revoke_pressed(update: Update, context: BotContext) -> None:
    """The revoke button under /invites: revoke, then show the list as it now is."""
    query = update.callback_query
    parts = callback_parts(update)
    if query is None or parts is None:
        return
    person = await _coordinator(update, context)
    if person is None:
        return
    number = int(parts[2]) if parts[2].isdigit() else 0
    done = await context.repo.revoke_invite(number, person.team_ids)
    await query.answer(
        context.prompts.label(
            "invite_revoked_short" if done else "invite_gone_short", person.lang, number=number
        )
    )
    invites = await context.repo.list_invites(person.team_ids, context.now_ts())
    rows, buttons = _listing(context, person, invites)
    await edit(update, context, "invites_list", person.lang, buttons or None, invites=rows)


HANDLERS = [
    CommandHandler("invite", invite, filters=PRIVATE_MESSAGE),
    CommandHandler("invites", list_invites, filters=PRIVATE_MESSAGE),
    CommandHandler("revoke", revoke_command, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(revoke_pressed, pattern=r"^inv:rv:\d{1,12}$"),
]
