"""Getting in: /start with an invite code, the privacy notice, and consent.

Nothing about a person is written before they press *I agree*. Until then the pending choice
lives only in memory (user_data), so a restart or a declined notice leaves no trace.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from handlers.common import Person, callback_parts, edit, new_nonce, reply, who
from handlers.menus import set_chat_menu
from storage import JoinOutcome, Member, Role
from storage.invite_codes import hash_code, is_well_formed

PENDING_CONSENT = "pending_consent"


def consent_buttons(context: BotContext, lang: str, nonce: str) -> list[list[tuple[str, str]]]:
    return [
        [
            (context.prompts.label("consent_agree", lang), f"consent:yes:{nonce}"),
            (context.prompts.label("consent_decline", lang), f"consent:no:{nonce}"),
        ]
    ]


async def start(update: Update, context: BotContext) -> None:
    """Open an invite link (or /start as a coordinator): show the privacy notice."""
    person = await who(update, context)
    if person is None:
        return
    code = context.args[0] if context.args else ""
    if person.member is not None:
        other = None
        if code and is_well_formed(code):
            invite = await context.repo.find_usable_invite(hash_code(code), context.now_ts())
            if invite is not None and invite.team_id != person.member.team_id:
                other = context.config.team(invite.team_id)
        current = context.config.team(person.member.team_id)
        if other is not None:
            # Not moved silently: say where they are and how to change.
            await reply(
                update,
                context,
                "invite_other_team",
                person.lang,
                current=current.name if current else person.member.team_id,
                other=other.name,
            )
            return
        await reply(
            update, context, "already_member", person.lang, coordinator=person.is_coordinator
        )
        await set_chat_menu(context, person.chat_id, person.role or Role.MEMBER, person.lang)
        return
    if code:
        if not is_well_formed(code):
            await reply(update, context, "invite_invalid", person.lang)
            return
        invite = await context.repo.find_usable_invite(hash_code(code), context.now_ts())
        if invite is None:
            await reply(update, context, "invite_invalid", person.lang)
            return
        team = context.config.team(invite.team_id)
        if team is None:
            await reply(update, context, "invite_invalid", person.lang)
            return
        pending = {"invite_id": invite.id, "team_id": team.id, "coordinator": False}
    elif person.is_coordinator:
        team = person.coordinates[0]
        pending = {"invite_id": None, "team_id": team.id, "coordinator": True}
    else:
        await reply(update, context, "welcome_stranger", person.lang)
        return
    await show_notice(update, context, person, pending)


async def show_notice(
    update: Update, context: BotContext, person: Person, pending: dict[str, object]
) -> None:
    """Send the privacy notice with fresh consent buttons; older notices stop working."""
    assert context.user_data is not None
    nonce = new_nonce()
    # The language the notice was read in is the one the person agreed in.
    context.user_data[PENDING_CONSENT] = {**pending, "nonce": nonce, "lang": person.lang}
    team = context.config.team(str(pending["team_id"]))
    await reply(
        update,
        context,
        "privacy_notice",
        person.lang,
        consent_buttons(context, person.lang, nonce),
        team_name=team.name if team else "",
        retention_days=context.config.retention_days,
        coordinator=bool(pending["coordinator"]),
    )


async def reask_consent(update: Update, context: BotContext, person: Person) -> bool:
    """Anything typed while the notice waits gets a gentle pointer back to its buttons."""
    if context.user_data is None:
        return False
    pending = context.user_data.get(PENDING_CONSENT)
    if not pending:
        return False
    await reply(
        update,
        context,
        "consent_reask",
        person.lang,
        consent_buttons(context, person.lang, pending["nonce"]),
    )
    return True


async def consent_pressed(update: Update, context: BotContext) -> None:
    """*I agree* stores the person; *No thanks* forgets the pending invite. Stale presses
    (an older notice, a second tap, a restart in between) change nothing."""
    query = update.callback_query
    parts = callback_parts(update)
    person = await who(update, context)
    if query is None or parts is None or person is None or context.user_data is None:
        return
    _, action, nonce = parts
    pending = context.user_data.get(PENDING_CONSENT)
    if not pending or pending.get("nonce") != nonce:
        if person.member is not None:
            await query.answer(context.prompts.label("already_joined", person.lang))
        else:
            await query.answer(
                context.prompts.label("notice_expired", person.lang), show_alert=True
            )
        return
    del context.user_data[PENDING_CONSENT]
    await query.answer()
    lang = str(pending.get("lang", person.lang))
    if action == "no":
        await edit(update, context, "consent_declined", lang)
        return
    team = context.config.team(pending["team_id"])
    if team is None:
        await edit(update, context, "invite_invalid", lang)
        return
    now = context.now_ts()
    role = Role.COORDINATOR if person.is_coordinator else Role.MEMBER
    member = Member(
        user_id=person.user_id,
        chat_id=person.chat_id,
        team_id=team.id,
        role=role,
        language=lang,
        timezone=team.timezone,
        consented_at=now,
        last_seen_at=now,
    )
    if pending["coordinator"]:
        outcome = await context.repo.add_coordinator(member)
    else:
        outcome = await context.repo.join_with_invite(pending["invite_id"], member, now)
    if outcome is JoinOutcome.INVITE_INVALID:
        await edit(update, context, "invite_invalid", lang)
        return
    await edit(
        update,
        context,
        "consent_given",
        lang,
        team_name=team.name,
        coordinator=role is Role.COORDINATOR,
    )
    await set_chat_menu(context, person.chat_id, role, lang)


HANDLERS = [
    CommandHandler("start", start, filters=filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE),
    CallbackQueryHandler(consent_pressed, pattern=r"^consent:(yes|no):[A-Za-z0-9_-]{1,40}$"),
]
