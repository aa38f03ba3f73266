"""The supervision agenda: members add topics without their names; the coordinator sees the
topics, never who added them; topics are deleted once the session has started."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from handlers.common import Person, callback_parts, edit, new_nonce, reply, who
from handlers.supervision import next_session, when

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
AWAITING = "awaiting"
AWAITING_TOPIC = "agenda_topic"
PENDING = "agenda_pending"
MAX_TOPIC = 500


async def agenda(update: Update, context: BotContext) -> None:
    """/agenda: a member adds a topic; a coordinator sees the topics for the next session."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    person = await who(update, context)
    if person is None:
        return
    if person.is_coordinator and update.callback_query is None:
        for team in person.coordinates:
            found = await next_session(context, team.id)
            if found is None:
                await reply(
                    update,
                    context,
                    "agenda_no_session",
                    person.lang,
                    team_name=team.name,
                    coordinator=True,
                )
                continue
            series, moment = found
            topics = await context.repo.topics(team.id, int(moment.timestamp()))
            await reply(
                update,
                context,
                "agenda_list",
                person.lang,
                [[(context.prompts.label("add_topic", person.lang), "ag:start:now")]],
                team_name=team.name,
                when=when(context, person.lang, moment, series.timezone),
                topics=topics,
            )
        return
    await ask_topic(update, context, person)


async def ask_topic(update: Update, context: BotContext, person: Person) -> None:
    member = person.member
    team = (
        context.config.team(member.team_id)
        if member
        else (person.coordinates[0] if person.coordinates else None)
    )
    if team is None or context.user_data is None:
        await reply(update, context, "checkin_needs_member", person.lang)
        return
    found = await next_session(context, team.id)
    if found is None:
        await reply(
            update,
            context,
            "agenda_no_session",
            person.lang,
            team_name=team.name,
            coordinator=False,
        )
        return
    series, moment = found
    context.user_data[AWAITING] = AWAITING_TOPIC
    context.user_data[PENDING] = {
        "team": team.id,
        "session_at": int(moment.timestamp()),
        "nonce": new_nonce(),
        "topic": "",
    }
    await reply(
        update,
        context,
        "agenda_ask",
        person.lang,
        when=when(context, person.lang, moment, series.timezone),
        limit=MAX_TOPIC,
    )


async def topic_typed(update: Update, context: BotContext, person: Person) -> bool:
    """The typed topic: shown back exactly as it will be added, with Add / Don't add."""
    if context.user_data is None or context.user_data.get(AWAITING) != AWAITING_TOPIC:
        return False
    pending = context.user_data.get(PENDING)
    message = update.effective_message
    if pending is None or message is None:
        context.user_data.pop(AWAITING, None)
        return False
    text = " ".join((message.text or "").split())
    if not text:
        await reply(update, context, "agenda_words_only", person.lang)
        return True
    if len(text) > MAX_TOPIC:
        await reply(
            update, context, "agenda_too_long", person.lang, limit=MAX_TOPIC, length=len(text)
        )
        return True
    context.user_data.pop(AWAITING, None)
    pending["topic"] = text
    nonce = pending["nonce"]
    await reply(
        update,
        context,
        "agenda_preview",
        person.lang,
        [
            [
                (context.prompts.label("add_it", person.lang), f"ag:add:{nonce}"),
                (context.prompts.label("dont_add", person.lang), f"ag:drop:{nonce}"),
            ]
        ],
        topic=text,
    )
    return True


async def topic_pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = callback_parts(update)
    person = await who(update, context)
    if query is None or parts is None or person is None or context.user_data is None:
        return
    _, action, nonce = parts
    pending = context.user_data.get(PENDING)
    if not pending or pending["nonce"] != nonce or not pending["topic"]:
        await query.answer(context.prompts.label("button_expired", person.lang))
        return
    context.user_data.pop(PENDING, None)
    await query.answer()
    if action == "drop":
        await edit(update, context, "agenda_dropped", person.lang)
        return
    if pending["session_at"] <= context.now_ts():
        await edit(update, context, "agenda_session_started", person.lang)
        return
    await context.repo.add_topic(
        pending["team"], pending["session_at"], pending["topic"], context.now_ts()
    )
    await edit(update, context, "agenda_added", person.lang)


HANDLERS = [
    CommandHandler("agenda", agenda, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(agenda, pattern=r"^ag:start:now$"),
    CallbackQueryHandler(topic_pressed, pattern=r"^ag:(add|drop):[0-9a-f]{8}$"),
]
