"""The command menu Telegram shows beside the text box, set per role and language.

A Bot API server without setMyCommands (a test emulator, an old self-hosted server) must not
stop the bot: failures are logged and otherwise ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.config import Team
from bot.context import BotContext
from prompts import FALLBACK_LANGUAGE, Prompts
from storage import Role

log = logging.getLogger(__name__)

STRANGER_COMMANDS = ("start", "help")
MEMBER_COMMANDS = (
    "checkin",
    "skip",
    "nudge",
    "trend",
    "agenda",
    "share",
    "sessions",
    "help",
    "settings",
    "mydata",
    "export",
    "forget",
    "cancel",
)
COORDINATOR_COMMANDS = (
    *MEMBER_COMMANDS[:2],
    "invite",
    "invites",
    "broadcast",
    "team",
    *MEMBER_COMMANDS[2:],
)


def commands_for(role: Role | None) -> tuple[str, ...]:
    """The commands a person in this role can use, in menu order."""
    if role is Role.COORDINATOR:
        return COORDINATOR_COMMANDS
    if role is Role.MEMBER:
        return MEMBER_COMMANDS
    return STRANGER_COMMANDS


def menu(prompts: Prompts, role: Role | None, lang: str) -> list[BotCommand]:
    return [BotCommand(name, prompts.label(f"cmd_{name}", lang)) for name in commands_for(role)]


async def set_default_menus(bot: Bot, prompts: Prompts) -> None:
    """The menu strangers see, in every language we have."""
    for lang in prompts.languages:
        try:
            await bot.set_my_commands(
                menu(prompts, None, lang),
                scope=BotCommandScopeDefault(),
                language_code=None if lang == FALLBACK_LANGUAGE else lang,
            )
        except TelegramError as exc:
            log.warning("could not set the default command menu (%s)", type(exc).__name__)
            return


async def set_chat_menu(context: BotContext, chat_id: int, role: Role, lang: str) -> None:
    """The menu one person sees in their private chat."""
    await set_menu(context.bot, context.prompts, chat_id, role, lang)


async def set_menu(bot: Bot, prompts: Prompts, chat_id: int, role: Role, lang: str) -> None:
    try:
        await bot.set_my_commands(menu(prompts, role, lang), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        # "chat not found" for a coordinator who has never opened the bot is expected.
        log.warning("could not set a chat's command menu (%s)", type(exc).__name__)


async def set_coordinator_menus(bot: Bot, prompts: Prompts, teams: Iterable[Team]) -> None:
    """Coordinators get their menu from the config, before (or without) agreeing to anything."""
    done: set[int] = set()
    for team in teams:
        for user_id in sorted(team.coordinators - done):
            await set_menu(bot, prompts, user_id, Role.COORDINATOR, team.language)
            done.add(user_id)


async def clear_chat_menu(context: BotContext, chat_id: int) -> None:
    """Back to the stranger's menu, after the person erased their data."""
    try:
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not clear a chat's command menu (%s)", type(exc).__name__)
