"""Pointing a person to support when a check-in shows they are carrying too much.

Tiers (DESIGN.md section 3): any flag brings self-care ideas and the team's support options;
"talk to someone" adds *Ask my coordinator to contact me*; risk wording pauses the check-in and
puts the crisis resources first; a run of hard shifts adds a note about supervision or time off;
own story touched together with a high load adds a prompt toward the person's recovery plan.
The bot never contacts anyone on its own: the coordinator hears only when the button is pressed,
and hears the person's name and nothing they wrote.
"""

from __future__ import annotations

import logging

from markupsafe import Markup
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler

from bot.config import Resource, Team
from bot.context import BotContext
from handlers.common import Person, callback_parts, reply, send, who
from prompts.scripts import RISK, RUN

log = logging.getLogger(__name__)

# A check-in with any of these counts as a hard shift.
HARD_FLAGS = frozenset({"high_load", "talk", RISK})
# Needs a coordinator can help with in person: the contact button is offered for these.
CONTACT_FLAGS = frozenset({"talk", "practical"})


def _resources(team: Team, lang: str, *kinds: str) -> list[Resource]:
    return [r for r in team.resources_for(lang) if r.kind in kinds]


async def send_crisis_resources(
    context: BotContext, person: Person, team: Team, nonce: str, *, again: bool = False
) -> None:
    """Crisis lines first, stated plainly, then the choice to carry on or stop."""
    label = context.prompts.label
    await send(
        context,
        person.chat_id,
        "signpost_crisis",
        person.lang,
        [
            [(label("checkin_carry_on", person.lang), f"ci:go:{nonce}")],
            [(label("checkin_not_meant", person.lang), f"ci:deny:{nonce}")],
            [(label("checkin_stop", person.lang), f"ci:stop:{nonce}")],
        ],
        crisis=_resources(team, person.lang, "crisis"),
        emergency=_resources(team, person.lang, "emergency"),
        again=again,
    )


async def crisis_note(context: BotContext, person: Person, team: Team) -> None:
    """The crisis resources on their own, outside a check-in (no buttons to answer)."""
    await send(
        context,
        person.chat_id,
        "signpost_crisis_note",
        person.lang,
        crisis=_resources(team, person.lang, "crisis"),
        emergency=_resources(team, person.lang, "emergency"),
    )


async def send_support(
    context: BotContext, person: Person, team: Team, flags: set[str], checkin_id: int
) -> None:
    """The support message after a flagged check-in."""
    buttons = None
    can_ask = bool(flags & CONTACT_FLAGS) and bool(team.coordinators - {person.user_id})
    if can_ask:
        buttons = [
            [(context.prompts.label("ask_coordinator", person.lang), f"sp:contact:{checkin_id}")]
        ]
    await send(
        context,
        person.chat_id,
        "signpost_support",
        person.lang,
        buttons,
        flags=sorted(flags),
        can_ask=can_ask,
        hard=bool(flags & HARD_FLAGS),
        risk=RISK in flags,
        run=RUN in flags,
        support=_resources(team, person.lang, "support"),
        selfcare=_resources(team, person.lang, "selfcare"),
        threshold_days=team.thresholds.hard_shift_days,
    )


async def contact_pressed(update: Update, context: BotContext) -> None:
    """*Ask my coordinator to contact me*: one message to the team's coordinators, naming the
    person and nothing of what they wrote."""
    query = update.callback_query
    parts = callback_parts(update)
    person = await who(update, context)
    if query is None or parts is None or person is None or update.effective_user is None:
        return
    checkin = await context.repo.get_checkin(int(parts[2])) if parts[2].isdigit() else None
    if checkin is None or checkin.user_id != person.user_id or not checkin.flags & CONTACT_FLAGS:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    team = context.config.team(checkin.team_id)
    if team is None or not team.coordinators:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    if not await context.repo.mark_contact_requested(checkin.id, person.user_id):
        await query.answer(context.prompts.label("contact_already_sent", person.lang))
        return
    await query.answer()
    reached = 0
    for coordinator_id in sorted(team.coordinators):
        if coordinator_id == person.user_id:
            continue
        coordinator = await context.repo.get_member(coordinator_id)
        lang = coordinator.language if coordinator else team.language
        try:
            await context.bot.send_message(
                chat_id=coordinator_id,
                text=context.prompts.render(
                    "coordinator_contact_request",
                    lang,
                    # The name Telegram shows now; it is not stored anywhere.
                    person=Markup(update.effective_user.mention_html()),  # noqa: S704 - escaped
                    # Shown as Telegram has it now (never stored): a way to reach them even if
                    # their privacy settings hide the link above.
                    username=update.effective_user.username or "",
                    team_name=team.name,
                ),
                parse_mode=ParseMode.HTML,
            )
            reached += 1
        except (Forbidden, BadRequest) as exc:
            log.warning("could not reach a coordinator (%s)", type(exc).__name__)
        except TelegramError as exc:
            log.warning("could not reach a coordinator (%s)", type(exc).__name__)
    if reached:
        # Keep the support message as it was; only its spent button goes.
        await query.edit_message_reply_markup(reply_markup=None)
        await reply(update, context, "signpost_contact_sent", person.lang)
        return
    await context.repo.unmark_contact_requested(checkin.id)
    await reply(
        update,
        context,
        "signpost_contact_failed",
        person.lang,
        support=_resources(team, person.lang, "support"),
        crisis=_resources(team, person.lang, "crisis"),
    )


HANDLERS = [
    CallbackQueryHandler(contact_pressed, pattern=r"^sp:contact:\d{1,12}$"),
]
