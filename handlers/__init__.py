"""The one place every handler is registered. Order matters: the first matching handler in a
group wins, and lower groups run first."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.context import BotContext
from handlers import general, invites, onboarding, privacy, settings

PRE_FILTER_GROUP = -1


async def note_activity(update: Update, context: BotContext) -> None:
    """A member who writes to the bot is active: keeps their data from the inactivity purge
    and lifts a blocked-bot mark if they came back."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or chat.type != "private":
        return
    await context.repo.touch_member(user.id, context.now_ts())


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler to the application, in order."""
    app.add_handler(TypeHandler(Update, note_activity), group=PRE_FILTER_GROUP)
    for module in (onboarding, invites, privacy, settings, general):
        app.add_handlers(module.HANDLERS)
    app.add_handlers(general.FALLBACKS)
