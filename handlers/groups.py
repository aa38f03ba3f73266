"""A team's shared reflection group: linking it, noticing when the bot leaves or the group
becomes a supergroup, and sending to it safely.

Groups run in Telegram's privacy mode: the bot sees commands and replies to its own messages,
nothing else. Anything unexpected in a group gets silence, not chatter.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.config import Team
from bot.context import BotContext
from handlers.common import Buttons, keyboard, reply, who

log = logging.getLogger(__name__)

GROUP_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS
ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
PRESENT_STATUSES = (ChatMemberStatus.MEMBER, *ADMIN_STATUSES)


async def is_group_admin(context: BotContext, chat_id: int, user_id: int) -> bool:
    """Asked of Telegram at the time, never cached: admin rights change."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden) as exc:
        log.warning("could not check a group member's status (%s)", type(exc).__name__)
        return False
    return member.status in ADMIN_STATUSES


async def coordinator_here(update: Update, context: BotContext) -> Team | None:
    """The team the sender coordinates and this group is linked to (or could be linked to),
    if they are also an admin of this group; otherwise they are told why not."""
    person = await who(update, context)
    chat = update.effective_chat
    if person is None or chat is None:
        return None
    if not person.is_coordinator:
        await reply(update, context, "group_coordinators_only", person.lang)
        return None
    if not await is_group_admin(context, chat.id, person.user_id):
        await reply(update, context, "group_admins_only", person.lang)
        return None
    group = await context.repo.get_group(chat.id)
    if group is not None:
        team = next((t for t in person.coordinates if t.id == group.team_id), None)
        if team is None:
            await reply(update, context, "group_other_team", person.lang)
        return team
    return person.coordinates[0]


async def link(update: Update, context: BotContext) -> None:
    """/link [team]: make this group the team's reflection channel."""
    person = await who(update, context)
    chat = update.effective_chat
    if person is None or chat is None:
        return
    if not person.is_coordinator:
        await reply(update, context, "group_coordinators_only", person.lang)
        return
    wanted = (context.args or [""])[0]
    teams = person.coordinates
    team = next((t for t in teams if t.id == wanted), None) if wanted else None
    if team is None and (wanted or len(teams) > 1):
        await reply(update, context, "group_link_which", person.lang, teams=[t.id for t in teams])
        return
    team = team or teams[0]
    if not await is_group_admin(context, chat.id, person.user_id):
        await reply(update, context, "group_admins_only", person.lang)
        return
    current = await context.repo.get_group(chat.id)
    if current is not None and current.team_id not in person.team_ids:
        # Another team's channel: its own coordinators unlink it first, nobody takes it over.
        await reply(update, context, "group_other_team", person.lang)
        return
    await context.repo.link_group(chat.id, team.id, context.now_ts())
    await reply(update, context, "group_linked", team.language, team_name=team.name)


async def unlink(update: Update, context: BotContext) -> None:
    """/unlink: this group stops being the team's channel; schedules stay with the team."""
    chat = update.effective_chat
    if chat is None:
        return
    team = await coordinator_here(update, context)
    if team is None:
        return
    if await context.repo.get_group(chat.id) is None:
        await reply(update, context, "group_not_linked", team.language)
        return
    await context.repo.unlink_group(chat.id)
    await reply(update, context, "group_unlinked", team.language, team_name=team.name)


async def membership_changed(update: Update, context: BotContext) -> None:
    """The bot was added to, or removed from, a group."""
    change = update.my_chat_member
    if change is None or change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    was = change.old_chat_member.status
    now = change.new_chat_member.status
    chat_id = change.chat.id
    group = await context.repo.get_group(chat_id)
    if now in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        if group is not None:
            await context.repo.set_group_active(chat_id, False)
            log.info("the bot left a linked group; its schedules are kept")
        return
    if now in PRESENT_STATUSES and was not in PRESENT_STATUSES:
        lang = context.config.default_language
        if group is not None:
            team = context.config.team(group.team_id)
            await context.repo.set_group_active(chat_id, True)
            await _say(
                context,
                chat_id,
                "group_back",
                team.language if team else lang,
                team_name=team.name if team else group.team_id,
            )
        else:
            await _say(context, chat_id, "group_hello", lang)


async def _say(context: BotContext, chat_id: int, template: str, lang: str, **values: Any) -> None:
    try:
        await context.bot.send_message(
            chat_id=chat_id,
            text=context.prompts.render(template, lang, **values),
            parse_mode=ParseMode.HTML,
        )
    except TelegramError as exc:
        log.warning("could not greet a group (%s)", type(exc).__name__)


async def migrated(update: Update, context: BotContext) -> None:
    """The group became a supergroup: its new id takes over, schedules and all."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        await context.repo.migrate_group(message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        await context.repo.migrate_group(message.migrate_from_chat_id, message.chat.id)


async def send_to_team_group(
    context: BotContext,
    team: Team,
    template: str,
    buttons: Buttons | None = None,
    **values: Any,
) -> Message | None:
    """Post to the team's group, following a supergroup migration once; None when the team
    has no reachable group (not linked, bot removed, or blocked)."""
    group = await context.repo.group_for_team(team.id)
    if group is None or not group.active:
        return None
    text = context.prompts.render(template, team.language, **values)
    chat_id = group.chat_id
    for _ in range(2):
        try:
            return await context.bot.send_message(
                chat_id=chat_id,
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(buttons) if buttons else None,
                disable_web_page_preview=True,
            )
        except ChatMigrated as exc:
            await context.repo.migrate_group(chat_id, exc.new_chat_id)
            chat_id = exc.new_chat_id
        except Forbidden:
            await context.repo.set_group_active(chat_id, False)
            return None
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                await context.repo.set_group_active(chat_id, False)
            log.warning("could not post to a team's group (%s)", type(exc).__name__)
            return None
        except TelegramError as exc:
            log.warning("could not post to a team's group (%s)", type(exc).__name__)
            return None
    return None


HANDLERS = [
    CommandHandler("link", link, filters=GROUP_MESSAGE),
    CommandHandler("unlink", unlink, filters=GROUP_MESSAGE),
    ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
    MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
]
