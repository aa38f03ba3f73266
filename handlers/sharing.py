"""Sharing a reflection with the team's group, anonymously.

The person writes it, sees exactly what will be posted, and confirms; the bot posts it without
their name. Until they confirm, the words are held in memory only; afterwards nowhere.
"""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from handlers.common import Person, edit, reply, who
from handlers.compose import Compose
from handlers.groups import send_to_team_group

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
MAX_SHARE = 1000
REFLECTION = Compose("share_text", "share_pending", "sh", "post", "share", MAX_SHARE)
PENDING = REFLECTION.pending_key


async def share(update: Update, context: BotContext) -> None:
    """/share, or the button at the end of a check-in."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    person = await who(update, context)
    if person is None or context.user_data is None:
        return
    team = context.config.team(person.member.team_id) if person.member else None
    if team is None:
        await reply(
            update, context, "checkin_needs_member", person.lang, coordinator=person.is_coordinator
        )
        return
    group = await context.repo.group_for_team(team.id)
    if group is None or not group.active:
        await reply(update, context, "share_no_group", person.lang)
        return
    REFLECTION.begin(context)
    await reply(update, context, "share_ask", person.lang, limit=MAX_SHARE)


async def share_typed(update: Update, context: BotContext, person: Person) -> bool:
    """The typed reflection: shown back exactly as it will be posted, with Post / Don't post."""
    if person.member is None:
        return False
    taken = await REFLECTION.take(update, context, person)
    if isinstance(taken, bool):
        return taken
    team = context.config.team(person.member.team_id)
    team_language = team.language if team else person.lang
    await reply(
        update,
        context,
        "share_preview",
        person.lang,
        REFLECTION.buttons(context, person.lang, taken, "post_it", "dont_post"),
        # Exactly as the group will get it, in the group's language, the words escaped inside.
        posted=Markup(  # noqa: S704
            context.prompts.render("shared_reflection", team_language, text=taken["text"])
        ),
    )
    return True


async def share_pressed(update: Update, context: BotContext) -> None:
    person = await who(update, context)
    if person is None or update.callback_query is None:
        return
    pressed = await REFLECTION.pressed(update, context, person)
    if pressed is None:
        return
    confirmed, pending = pressed
    await update.callback_query.answer()
    if not confirmed:
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
    CallbackQueryHandler(share_pressed, pattern=REFLECTION.pattern),
]
