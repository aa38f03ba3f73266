"""/help, /cancel, and the catch-alls that give every other input a kind answer or silence."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from handlers import agenda, broadcast, checkin, nudges, sharing, supervision
from handlers.common import AWAITING, reply, waiting_for, who
from handlers.onboarding import PENDING_CONSENT, reask_consent
from handlers.privacy import PENDING_FORGET
from handlers.settings import timezone_typed
from handlers.signposting import crisis_note

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
# Everything /cancel stops. Later features add their own keys here.
CANCELLABLE = (
    PENDING_CONSENT,
    PENDING_FORGET,
    AWAITING,
    nudges.DRAFT,
    agenda.PENDING,
    sharing.PENDING,
    broadcast.PENDING,
)


async def help_command(update: Update, context: BotContext) -> None:
    """What this person, in their role, can do."""
    person = await who(update, context)
    if person is None:
        return
    if person.is_coordinator:
        template = "help_coordinator"
    elif person.member is not None:
        template = "help_member"
    else:
        template = "help_stranger"
    await reply(update, context, template, person.lang)


async def cancel(update: Update, context: BotContext) -> None:
    """Stop whatever is in progress. Always answers, so the person knows where they stand."""
    person = await who(update, context)
    if person is None or context.user_data is None:
        return
    stopped = [key for key in CANCELLABLE if context.user_data.pop(key, None) is not None]
    if person.member is not None and await checkin.cancel_checkin(context, person.user_id):
        await reply(update, context, "checkin_cancelled", person.lang)
        return
    await reply(update, context, "cancel_done" if stopped else "cancel_nothing", person.lang)


async def private_message(update: Update, context: BotContext) -> None:
    """Any private message no other handler took: text, stickers, photos, long essays."""
    person = await who(update, context)
    if person is None:
        return
    if await reask_consent(update, context, person):
        return
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    command = bool(message and message.text and message.text.startswith("/"))
    work_text = waiting_for(context, broadcast.MESSAGE.awaiting) or waiting_for(
        context, agenda.TOPIC.awaiting
    )
    if (
        person.member is not None
        and text
        and not command
        and context.services.risk.matches(text)
        and (not work_text or await checkin.has_open_checkin(context, person.user_id))
    ):
        # Risk wording is heard first, whatever prompt happens to be open: inside a check-in
        # it pauses it with the crisis resources; anywhere else they come before anything else.
        if await checkin.handle_message(update, context, person):
            return
        team = context.config.team(person.member.team_id)
        if team is not None:
            await crisis_note(context, person, team)
    if await timezone_typed(update, context):
        return
    if person.member is not None and await nudges.time_typed(update, context, person):
        return
    if await agenda.topic_typed(update, context, person):
        return
    if person.member is not None and await sharing.share_typed(update, context, person):
        return
    if await broadcast.broadcast_typed(update, context, person):
        return
    if person.is_coordinator and await supervision.draft_typed(update, context):
        return
    if (
        person.member is not None
        and not command
        and await checkin.handle_message(update, context, person)
    ):
        return
    if person.member is None and not person.is_coordinator:
        await reply(update, context, "welcome_stranger", person.lang)
        return
    if command:
        await reply(update, context, "unknown_command", person.lang)
    elif text.strip():
        # Words written to the bot outside any prompt: often a reflection in its own right.
        await reply(update, context, "free_text", person.lang)
    else:
        await reply(update, context, "not_understood", person.lang)


async def stale_button(update: Update, context: BotContext) -> None:
    """A button no handler recognises: forged data, or one from a screen that is gone."""
    query = update.callback_query
    if query is None:
        return
    user = update.effective_user
    lang = context.prompts.language(
        user.language_code if user else None, context.config.default_language
    )
    member = await context.repo.get_member(user.id) if user else None
    await query.answer(context.prompts.label("button_expired", member.language if member else lang))


HANDLERS = [
    CommandHandler("help", help_command, filters=PRIVATE_MESSAGE),
    CommandHandler("cancel", cancel, filters=PRIVATE_MESSAGE),
]

# Registered last, after every feature's handlers.
FALLBACKS = [
    MessageHandler(PRIVATE_MESSAGE, private_message),
    CallbackQueryHandler(stale_button),
]
