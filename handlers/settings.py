"""/settings: the person's language and time zone."""

from __future__ import annotations

import functools
import zoneinfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from handlers import nudges
from handlers.common import (
    Person,
    callback_parts,
    edit,
    member_or_refuse,
    reply,
    start_waiting,
    stop_waiting,
    waiting_for,
    who,
)
from handlers.menus import set_chat_menu
from storage import Role

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
AWAITING_TIMEZONE = "timezone"
_MAX_TZ_LENGTH = 64


@functools.cache
def _zones() -> dict[str, str]:
    """Every name a person might type for a zone: "Europe/Berlin", "berlin", "new york",
    "UTC". A city name that two zones share is left out rather than guessed."""
    names = {
        n
        for n in zoneinfo.available_timezones()
        if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    }
    table = {n.lower(): n for n in names}
    cities: dict[str, set[str]] = {}
    for n in names:
        cities.setdefault(n.rsplit("/", 1)[1].lower(), set()).add(n)
    for city, zones in cities.items():
        if len(zones) == 1 and city not in table:
            table[city] = next(iter(zones))
    table["utc"] = "UTC"
    return table


def canonical_timezone(text: str) -> str | None:
    """The IANA name for what the person typed ('europe/berlin', 'Berlin', 'New York'), or
    None."""
    cleaned = text.strip().replace(" ", "_")
    if not cleaned or len(cleaned) > _MAX_TZ_LENGTH:
        return None
    return _zones().get(cleaned.lower())


def _menu(context: BotContext, lang: str) -> list[list[tuple[str, str]]]:
    return [
        [
            (context.prompts.label("settings_language", lang), "set:lang"),
            (context.prompts.label("settings_timezone", lang), "set:tz"),
        ]
    ]


async def _member(update: Update, context: BotContext) -> Person | None:
    return await member_or_refuse(update, context, "settings_needs_member")


async def settings(update: Update, context: BotContext) -> None:
    """Show the current settings with buttons, or apply `/settings language de` at once."""
    person = await _member(update, context)
    if person is None or person.member is None:
        return
    args = list(context.args or [])
    if len(args) == 2 and args[0].lower() in ("language", "sprache", "lang"):
        await _set_language(update, context, person, args[1].lower())
        return
    if len(args) >= 2 and args[0].lower() in ("timezone", "zeitzone", "tz"):
        await _set_timezone(update, context, person, " ".join(args[1:]))
        return
    await reply(
        update,
        context,
        "settings",
        person.lang,
        _menu(context, person.lang),
        language=context.prompts.label("language_name", person.lang),
        timezone=person.member.timezone,
    )


async def _set_language(update: Update, context: BotContext, person: Person, code: str) -> None:
    if code not in context.prompts.languages:
        await reply(
            update,
            context,
            "settings_language_unknown",
            person.lang,
            languages=list(context.prompts.languages),
        )
        return
    await context.repo.set_language(person.user_id, code)
    if update.callback_query:
        await edit(
            update,
            context,
            "settings_language_set",
            code,
            language=context.prompts.label("language_name", code),
        )
    else:
        await reply(
            update,
            context,
            "settings_language_set",
            code,
            language=context.prompts.label("language_name", code),
        )
    await set_chat_menu(context, person.chat_id, person.role or Role.MEMBER, code)


async def _set_timezone(update: Update, context: BotContext, person: Person, text: str) -> None:
    zone = canonical_timezone(text)
    if zone is None:
        await reply(update, context, "settings_timezone_invalid", person.lang)
        return
    await context.repo.set_timezone(person.user_id, zone)
    await nudges.reschedule(context, person.user_id, zone)
    stop_waiting(context)
    await reply(update, context, "settings_timezone_set", person.lang, timezone=zone)


async def settings_pressed(update: Update, context: BotContext) -> None:
    """The buttons under /settings."""
    query = update.callback_query
    parts = callback_parts(update)
    if query is None or parts is None:
        return
    person = await _member(update, context)
    if person is None or person.member is None or context.user_data is None:
        return
    _, action, argument = parts
    await query.answer()
    if action == "lang":
        await edit(
            update,
            context,
            "settings_language_choose",
            person.lang,
            [
                [
                    (context.prompts.label("language_name", code), f"set:lg:{code}")
                    for code in context.prompts.languages
                ]
            ],
        )
    elif action == "lg":
        await _set_language(update, context, person, argument)
    elif action == "tz":
        start_waiting(context, AWAITING_TIMEZONE)
        team = context.config.team(person.member.team_id)
        await edit(
            update,
            context,
            "settings_timezone_ask",
            person.lang,
            current=person.member.timezone,
            example=team.timezone if team else "Europe/London",
        )


async def timezone_typed(update: Update, context: BotContext) -> bool:
    """Take the next text as a time zone if /settings asked for one. True if it did."""
    if context.user_data is None or not waiting_for(context, AWAITING_TIMEZONE):
        return False
    person = await who(update, context)
    message = update.effective_message
    if person is None or person.member is None or message is None:
        stop_waiting(context)
        return False
    if not message.text:
        await reply(update, context, "settings_timezone_invalid", person.lang)
        return True
    await _set_timezone(update, context, person, message.text)
    return True


HANDLERS = [
    CommandHandler("settings", settings, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(settings_pressed, pattern=r"^set:(lang|tz|lg)(:[a-z]{2})?$"),
]
