"""The one error handler: log what kind of update failed (never its content), then tell the
person something kind and true."""

from __future__ import annotations

import logging
import sqlite3

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from bot.context import BotContext

log = logging.getLogger(__name__)


def update_kind(update: object) -> str:
    """'message', 'callback_query', ... : enough to find the fault, nothing a person wrote."""
    if isinstance(update, Update):
        for kind in (
            "message",
            "edited_message",
            "callback_query",
            "my_chat_member",
            "chat_member",
            "channel_post",
        ):
            if getattr(update, kind, None) is not None:
                return kind
        return "update"
    return type(update).__name__ if update is not None else "job"


def is_storage_fault(error: BaseException | None) -> bool:
    """A locked database or a full disk: worth saying plainly, since trying later helps."""
    return isinstance(error, sqlite3.OperationalError | sqlite3.DatabaseError)


async def on_error(update: object, context: BotContext) -> None:
    """Log first, then answer the person if there is one to answer."""
    error = context.error
    if isinstance(error, Forbidden):
        log.info("a person has blocked the bot (%s)", update_kind(update))
        return
    if isinstance(error, RetryAfter | NetworkError) and not isinstance(update, Update):
        log.warning("Telegram unreachable or busy in a job: %s", type(error).__name__)
        return
    log.error("error while handling a %s", update_kind(update), exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return  # groups get silence, not error chatter
    user = update.effective_user
    lang = context.prompts.language(
        user.language_code if user else None, context.config.default_language
    )
    template = "error_storage" if is_storage_fault(error) else "error_generic"
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(
            chat_id=update.effective_chat.id,
            text=context.prompts.render(template, lang),
            parse_mode=ParseMode.HTML,
        )
    except TelegramError as exc:
        log.warning("could not tell the person about the error (%s)", type(exc).__name__)
