"""The after-shift check-in: a scripted conversation whose every step is saved in SQLite.

Where the person is lives in `checkin_progress`, written before the next question is sent, so
a restart lets them carry on at the same step, and their buttons keep working. Typed answers
are read once for risk wording and dropped; only structured answers are kept, in one
transaction when the check-in completes.

Callback data: `ci:ans:<nonce>-<step>-<value>`, `ci:skip:<nonce>-<step>`, `ci:go|deny|stop:
<nonce>` (after risk wording) and `ci:start:now` (the button on a nudge). The nonce ties a
button to one check-in, the step number to one question of it.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from typing import Any

from markupsafe import Markup
from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.config import Team
from bot.context import BotContext
from handlers.common import (
    Buttons,
    Person,
    callback_parts,
    clear_waiting,
    edit,
    new_nonce,
    reply,
    send,
    who,
)
from handlers.signposting import (
    HARD_FLAGS,
    crisis_note,
    send_crisis_resources,
    send_support,
)
from prompts.scripts import RISK, RUN, Script, Step
from storage import Progress

log = logging.getLogger(__name__)

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
CLOSE_VARIANTS = 6


def script_for(context: BotContext, team: Team) -> Script:
    return context.services.scripts[team.script]


def script_of(context: BotContext, progress: Progress) -> Script | None:
    """The script a check-in under way was started with, if it is still the same version."""
    name = progress.script.split("@", 1)[0]
    script = context.services.scripts.get(name)
    if script is None or script.key != progress.script or progress.step >= len(script.steps):
        return None
    return script


def _team(context: BotContext, person: Person) -> Team | None:
    return context.config.team(person.member.team_id) if person.member else None


async def _fresh_progress(update: Update, context: BotContext, person: Person) -> Progress | None:
    """The person's unfinished check-in, or None; one that sat idle too long is ended here
    with a kind note, so nothing half-kept lingers."""
    progress = await context.repo.get_progress(person.user_id)
    if progress is None:
        return None
    if script_of(context, progress) is None:
        # The team changed its questions while this check-in was open (a restart in between).
        await context.repo.delete_progress(person.user_id)
        await reply(update, context, "checkin_script_changed", person.lang)
        return None
    idle_limit = context.config.checkin.idle_minutes * 60
    if context.now_ts() - progress.updated_at >= idle_limit:
        await context.repo.delete_progress(person.user_id)
        await reply(update, context, "checkin_expired", person.lang, risk=RISK in progress.flags)
        return None
    return progress


# --- asking --------------------------------------------------------------------------------


def _buttons(context: BotContext, lang: str, step: Step, index: int, nonce: str) -> Buttons:
    label = context.prompts.label
    rows: list[list[tuple[str, str]]] = []
    if step.kind == "scale":
        values = [(str(n), f"ci:ans:{nonce}-{index}-{n}") for n in range(11)]
        rows = [values[:6], values[6:]]
    elif step.kind == "choice":
        choices = [
            (label(f"choice_{c}", lang), f"ci:ans:{nonce}-{index}-{c}") for c in step.choices
        ]
        per_row = 2 if len(choices) == 4 else 3
        rows = [choices[i : i + per_row] for i in range(0, len(choices), per_row)]
    if step.optional:
        rows.append([(label("checkin_skip", lang), f"ci:skip:{nonce}-{index}")])
    return rows


def question_text(context: BotContext, lang: str, script: Script, index: int) -> Markup:
    """The wording of one step, rendered from its template (trusted, so marked safe)."""
    step = script.steps[index]
    return Markup(  # noqa: S704 - our own template output, already escaped
        context.prompts.render(
            step.template, lang, number=index + 1, total=len(script.steps), optional=step.optional
        )
    )


async def ask(
    context: BotContext,
    chat_id: int,
    lang: str,
    script: Script,
    progress: Progress,
    *,
    intro: str = "",
    again: bool = False,
) -> None:
    """Send the current question with its buttons."""
    step = script.steps[progress.step]
    await send(
        context,
        chat_id,
        "checkin_question",
        lang,
        _buttons(context, lang, step, progress.step, progress.nonce) or None,
        question=question_text(context, lang, script, progress.step),
        number=progress.step + 1,
        total=len(script.steps),
        kind=step.kind,
        optional=step.optional,
        intro=intro,
        again=again,
    )


# --- starting --------------------------------------------------------------------------------


async def start_checkin(update: Update, context: BotContext) -> None:
    """/checkin, or the *Check in* button on a nudge."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    person = await who(update, context)
    if person is None:
        return
    team = _team(context, person)
    if person.member is None or team is None:
        await reply(
            update, context, "checkin_needs_member", person.lang, coordinator=person.is_coordinator
        )
        return
    script = script_for(context, team)
    # The check-in takes the person's next words: any other prompt left open is dropped.
    clear_waiting(context)
    progress = await _fresh_progress(update, context, person)
    if progress is not None and progress.script == script.key:
        if progress.paused:
            await send_crisis_resources(context, person, team, progress.nonce, again=True)
            return
        await ask(context, person.chat_id, person.lang, script, progress, intro="resume")
        return
    now = context.now_ts()
    progress = Progress(
        user_id=person.user_id,
        script=script.key,
        step=0,
        answers={},
        flags=frozenset(),
        nonce=new_nonce(),
        paused=False,
        started_at=now,
        updated_at=now,
    )
    await context.repo.save_progress(progress)
    await ask(context, person.chat_id, person.lang, script, progress, intro="start")


# --- answering -------------------------------------------------------------------------------


async def _current(
    update: Update, context: BotContext, nonce: str, step: int | None
) -> tuple[Person, Team, Script, Progress] | None:
    """The check-in a button belongs to, if it is still the person's current one; otherwise
    the press is answered ("this check-in has ended" / "already answered") and None returned."""
    query = update.callback_query
    person = await who(update, context)
    if query is None or person is None:
        return None
    team = _team(context, person)
    progress = await _fresh_progress(update, context, person) if team else None
    if team is None or progress is None or progress.nonce != nonce:
        await query.answer(context.prompts.label("checkin_ended", person.lang))
        return None
    script = script_of(context, progress)
    if script is None or (step is not None and step != progress.step) or progress.paused:
        await query.answer(context.prompts.label("checkin_already_answered", person.lang))
        return None
    return person, team, script, progress


def _parse(argument: str) -> tuple[str, int | None, str]:
    nonce, _, rest = argument.partition("-")
    step_text, _, value = rest.partition("-")
    step = int(step_text) if step_text.isdigit() and len(step_text) <= 3 else None
    return nonce, step, value


async def button_answer(update: Update, context: BotContext) -> None:
    """A scale or choice button."""
    parts = callback_parts(update)
    query = update.callback_query
    if parts is None or query is None:
        return
    nonce, step_index, value = _parse(parts[2])
    if step_index is None:
        await query.answer(context.prompts.label("checkin_ended", "en"))
        return
    found = await _current(update, context, nonce, step_index)
    if found is None:
        return
    person, team, script, progress = found
    step = script.steps[progress.step]
    answer: int | str
    if step.kind == "scale" and value.isdigit() and 0 <= int(value) <= 10:
        answer = int(value)
        shown = value
    elif step.kind == "choice" and value in step.choices:
        answer = value
        shown = context.prompts.label(f"choice_{value}", person.lang)
    else:
        await query.answer(context.prompts.label("checkin_ended", person.lang))
        return
    await query.answer()
    await _show_answered(update, context, person, script, progress, shown)
    await advance(context, person, team, script, progress, {step.id: answer})


async def _show_answered(
    update: Update,
    context: BotContext,
    person: Person,
    script: Script,
    progress: Progress,
    shown: str,
) -> None:
    """The answered question keeps its wording and shows the answer; its buttons go."""
    await edit(
        update,
        context,
        "checkin_answered",
        person.lang,
        question=question_text(context, person.lang, script, progress.step),
        answer=shown,
    )


async def skip_pressed(update: Update, context: BotContext) -> None:
    parts = callback_parts(update)
    query = update.callback_query
    if parts is None or query is None:
        return
    nonce, step_index, _ = _parse(parts[2] + "-")
    found = await _current(update, context, nonce, step_index)
    if found is None:
        return
    person, team, script, progress = found
    if not script.steps[progress.step].optional:
        await query.answer(context.prompts.label("cannot_skip", person.lang))
        return
    await query.answer()
    skipped = context.prompts.label("checkin_skipped", person.lang)
    await _show_answered(update, context, person, script, progress, skipped)
    await advance(context, person, team, script, progress, {})


async def skip_command(update: Update, context: BotContext) -> None:
    """/skip: pass an optional step."""
    person = await who(update, context)
    if person is None:
        return
    team = _team(context, person)
    progress = await _fresh_progress(update, context, person) if team else None
    if team is None or progress is None:
        await reply(update, context, "checkin_nothing_to_skip", person.lang)
        return
    if progress.paused:
        await send_crisis_resources(context, person, team, progress.nonce, again=True)
        return
    script = script_for(context, team)
    if not script.steps[progress.step].optional:
        await reply(update, context, "checkin_cannot_skip", person.lang)
        await ask(context, person.chat_id, person.lang, script, progress, again=True)
        return
    await advance(context, person, team, script, progress, {})


async def handle_message(update: Update, context: BotContext, person: Person) -> bool:
    """A private message while a check-in is open: a typed answer, or the wrong kind of input.
    Returns False when there is no check-in, so other features can take the message."""
    team = _team(context, person)
    message = update.effective_message
    if team is None or message is None:
        return False
    progress = await _fresh_progress(update, context, person)
    if progress is None:
        return False
    script = script_of(context, progress)
    if script is None:
        await context.repo.delete_progress(person.user_id)
        return False
    if progress.paused:
        await send_crisis_resources(context, person, team, progress.nonce, again=True)
        return True
    step = script.steps[progress.step]
    text = message.text
    # Any words, at any step (a caption too), are read for risk first: someone typing
    # where a button was expected is still heard.
    words = text or message.caption or ""
    if words and context.services.risk.matches(words):
        # Pause at once: the crisis resources come before anything else.
        paused = _replace(
            progress, flags=progress.flags | {RISK}, paused=True, updated_at=context.now_ts()
        )
        if await context.repo.update_progress(paused):
            await send_crisis_resources(context, person, team, progress.nonce)
        else:
            # The check-in ended meanwhile: the resources still come, without its buttons.
            await crisis_note(context, person, team)
        return True
    if step.kind != "text":
        await ask(context, person.chat_id, person.lang, script, progress, again=True)
        return True
    if not text:
        await reply(update, context, "checkin_words_only", person.lang, optional=step.optional)
        return True
    # The words themselves go no further than this function.
    await advance(context, person, team, script, progress, {})
    return True


def _replace(progress: Progress, **changes: Any) -> Progress:
    return replace(progress, **changes)


async def after_risk(update: Update, context: BotContext) -> None:
    """The choice shown with the crisis resources: carry on, not what I meant, or stop."""
    parts = callback_parts(update)
    query = update.callback_query
    if parts is None or query is None:
        return
    _, action, nonce = parts
    person = await who(update, context)
    if person is None:
        return
    team = _team(context, person)
    progress = await _fresh_progress(update, context, person) if team else None
    if team is None or progress is None or progress.nonce != nonce:
        await query.answer(context.prompts.label("checkin_ended", person.lang))
        return
    # "Stop here" stays honoured while the resources message is in the chat, even after
    # carrying on; the other two buttons have done their job once.
    can_stop = action == "stop" and RISK in progress.flags
    if not progress.paused and not can_stop:
        await query.answer(context.prompts.label("checkin_already_answered", person.lang))
        return
    await query.answer()
    # The resources message stays as it is: one answer never withdraws them.
    if action == "stop":
        await context.repo.delete_progress(person.user_id)
        await reply(update, context, "checkin_stopped_after_risk", person.lang)
        return
    script = script_for(context, team)
    denied = action == "deny"
    # A denial is believed: the flag goes (the resources stay in the chat regardless).
    flags = progress.flags - {RISK} if denied else progress.flags
    resumed = _replace(progress, paused=False, flags=flags, updated_at=context.now_ts())
    await reply(update, context, "checkin_carry_on", person.lang, denied=denied)
    if script.steps[progress.step].kind == "text":
        # The words were the answer to this step: move on.
        await advance(context, person, team, script, resumed, {})
        return
    # Typed where a button was expected: that question still needs its answer.
    if not await context.repo.update_progress(resumed):
        return
    await ask(context, person.chat_id, person.lang, script, resumed)


async def advance(
    context: BotContext,
    person: Person,
    team: Team,
    script: Script,
    progress: Progress,
    answer: dict[str, int | str],
) -> None:
    """Record an answer and ask the next question, or finish."""
    answers = {**progress.answers, **answer}
    following = progress.step + 1
    if following >= len(script.steps):
        await finish(context, person, team, script, _replace(progress, answers=answers))
        return
    moved = _replace(progress, step=following, answers=answers, updated_at=context.now_ts())
    if not await context.repo.update_progress(moved):
        return  # it ended meanwhile: the person has been told
    await ask(context, person.chat_id, person.lang, script, moved)


async def finish(
    context: BotContext, person: Person, team: Team, script: Script, progress: Progress
) -> None:
    """Keep the check-in, close warmly, and signpost if anything was flagged."""
    now = context.now_ts()
    thresholds = team.thresholds
    flags = set(script.flags(progress.answers, thresholds.load)) | set(progress.flags)
    if flags & HARD_FLAGS:
        window_start = now - thresholds.hard_shift_days * 86_400
        earlier = await context.repo.checkins_since(person.user_id, window_start)
        hard = sum(1 for c in earlier if c.flags & HARD_FLAGS) + 1
        if hard >= thresholds.hard_shifts:
            flags.add(RUN)
    load_step = script.load_step
    load = progress.answers.get(load_step.id) if load_step else None
    checkin_id = await context.repo.complete_checkin(
        person.user_id,
        team.id,
        now,
        load if isinstance(load, int) else None,
        dict(progress.answers),
        flags,
    )
    await send(
        context,
        person.chat_id,
        script.close_template,
        person.lang,
        await after_checkin_buttons(context, team, person.lang),
        variant=secrets.randbelow(CLOSE_VARIANTS),
        idea=self_care_idea(progress.answers, flags),
        flagged=bool(flags & HARD_FLAGS),
    )
    if flags & (HARD_FLAGS | {"own_story", "boundaries", "practical", RUN}):
        await send_support(context, person, team, flags, checkin_id)


async def after_checkin_buttons(context: BotContext, team: Team, lang: str) -> Buttons | None:
    """What can follow a check-in: sharing with the team's group, adding to the agenda."""
    rows: list[list[tuple[str, str]]] = []
    group = await context.repo.group_for_team(team.id)
    if group is not None and group.active:
        rows.append([(context.prompts.label("share_reflection", lang), "sh:start:now")])
    if await context.repo.series_for_team(team.id):
        rows.append([(context.prompts.label("add_topic", lang), "ag:start:now")])
    return rows or None


def self_care_idea(answers: dict[str, int | str], flags: set[str]) -> str:
    """Which self-care suggestion fits: the most pressing thing first."""
    if RISK in flags or "own_story" in flags:
        return "own_story" if "own_story" in flags else "people"
    if answers.get("need") == "rest":
        return "rest"
    if "high_load" in flags:
        return "ground"
    if answers.get("need") == "talk":
        return "people"
    if answers.get("boundaries") in ("no", "not_sure"):
        return "boundaries"
    if answers.get("own_story") in ("yes", "a_little"):
        return "own_story"
    return "notice"


async def has_open_checkin(context: BotContext, user_id: int) -> bool:
    return await context.repo.get_progress(user_id) is not None


async def expire_idle(context: BotContext) -> int:
    """End check-ins left idle past the limit, with a kind note; returns how many."""
    limit = context.now_ts() - context.config.checkin.idle_minutes * 60
    ended = 0
    for progress in await context.repo.idle_progress(limit):
        if not await context.repo.delete_progress(progress.user_id):
            continue
        ended += 1
        member = await context.repo.get_member(progress.user_id)
        if member is None or not member.active:
            continue
        try:
            await send(
                context,
                member.chat_id,
                "checkin_expired",
                member.language,
                risk=RISK in progress.flags,
            )
        except Forbidden:
            await context.repo.mark_inactive(member.user_id)
        except TelegramError as exc:
            log.warning("could not send an expiry note (%s)", type(exc).__name__)
    return ended


async def cancel_checkin(context: BotContext, user_id: int) -> bool:
    """/cancel's part: drop an unfinished check-in, keeping none of it."""
    return await context.repo.delete_progress(user_id)


HANDLERS = [
    CommandHandler("checkin", start_checkin, filters=PRIVATE_MESSAGE),
    CommandHandler("skip", skip_command, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(start_checkin, pattern=r"^ci:start:now$"),
    CallbackQueryHandler(button_answer, pattern=r"^ci:ans:[0-9a-f]{8}-\d{1,3}-[a-z0-9_]{1,20}$"),
    CallbackQueryHandler(skip_pressed, pattern=r"^ci:skip:[0-9a-f]{8}-\d{1,3}$"),
    CallbackQueryHandler(after_risk, pattern=r"^ci:(go|deny|stop):[0-9a-f]{8}$"),
]
