"""Sharing a reflection with the team's group, anonymously.

The person writes it, sees exactly what will be posted, and confirms; the bot posts it without
their name. Until they confirm, the words are held in memory only; afterwards nowhere.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from handlers.common import Person, callback_parts, edit, new_nonce, reply, who
from handlers.groups import send_to_team_group
from handlers.signposting import crisis_note

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
AWAITING = "awaiting"
AWAITING_SHARE = "share_text"
PENDING = "share_pending"
MAX_SHARE = 1000


async def share(update: Update, context: BotContext) -> None:
    """/share, or the button at the end of a check-in."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    person = await who(update, context)
    if person is None or context.user_data is None:
        return
    team = context.config.team(person.member.team_id) if person.member else None
    if team is None:
        await reply(update, context, "checkin_needs_member", person.lang)
        return
    group = await context.repo.group_for_team(team.id)
    if group is None or not group.active:
        await reply(update, context, "share_no_group", person.lang)
        return
    context.user_data[AWAITING] = AWAITING_SHARE
    context.user_data[PENDING] = {"nonce": new_nonce(), "text": ""}
    await reply(update, context, "share_ask", person.lang, limit=MAX_SHARE)


async def share_typed(update: Update, context: BotContext, person: Person) -> bool:
    if context.user_data is None or context.user_data.get(AWAITING) != AWAITING_SHARE:
        return False
    pending = context.user_data.get(PENDING)
    message = update.effective_message
    if pending is None or message is None or person.member is None:
        context.user_data.pop(AWAITING, None)
        return False
    text = (message.text or "").strip()
    if not text:
        await reply(update, context, "share_words_only", person.lang)
        return True
    if len(text) > MAX_SHARE:
        await reply(
            update, context, "share_too_long", person.lang, limit=MAX_SHARE, length=len(text)
        )
        return True
    team = context.config.team(person.member.team_id)
    if team is not None and context.services.risk.matches(text):
        # Shared or not, the person hears about support first.
        await crisis_note(context, person, team)
    context.user_data.pop(AWAITING, None)
    pending["text"] = text
    nonce = pending["nonce"]
    await reply(
        update,
        context,
        "share_preview",
        person.lang,
        [
            [
                (context.prompts.label("post_it", person.lang), f"sh:post:{nonce}"),
                (context.prompts.label("dont_post", person.lang), f"sh:drop:{nonce}"),
            ]
        ],
        text=text,
    )
    return True


async def share_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = callback_parts(update)
    person = await who(update, context)
    if query is None or parts is None or person is None or context.user_data is None:
        return
    _, action, nonce = parts
    pending = context.user_data.get(PENDING)
    if not pending or pending["nonce"] != nonce or not pending["text"]:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    context.user_data.pop(PENDING, None)
    await query.answer()
    if action == "drop":
        await edit(update, context, "share_dropped", person.lang)
        return
    team = context.config.team(person.member.team_id) if person.member else None
    posted = None
    if team is not None:
        posted = await send_to_team_group(context, team, "shared_reflection", text=pending["text"])
    await edit(update, context, "share_posted" if posted else "share_failed", person.lang)


HANDLERS = [
    CommandHandler("share", share, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(share, pattern=r"^sh:start:now$"),
    CallbackQueryHandler(share_pressed, pattern=r"^sh:(post|drop):[0-9a-f]{8}$"),
]
