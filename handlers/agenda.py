"""The supervision agenda: members add topics without their names; the coordinator sees the
topics, never who added them; topics are deleted once the session has started."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from handlers.common import Person, edit, reply, who
from handlers.compose import Compose
from handlers.supervision import next_session, when

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
MAX_TOPIC = 500
TOPIC = Compose(
    "agenda_topic", "agenda_pending", "ag", "add", "agenda", MAX_TOPIC, collapse_spaces=True
)
PENDING = TOPIC.pending_key


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
        await reply(
            update, context, "checkin_needs_member", person.lang, coordinator=person.is_coordinator
        )
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
    TOPIC.begin(context, team=team.id, session_at=int(moment.timestamp()))
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
    taken = await TOPIC.take(update, context, person)
    if isinstance(taken, bool):
        return taken
    await reply(
        update,
        context,
        "agenda_preview",
        person.lang,
        TOPIC.buttons(context, person.lang, taken, "add_it", "dont_add"),
        topic=taken["text"],
    )
    return True


async def topic_pressed(update: Update, context: BotContext) -> None:
    person = await who(update, context)
    if person is None or update.callback_query is None:
        return
    pressed = await TOPIC.pressed(update, context, person)
    if pressed is None:
        return
    confirmed, pending = pressed
    await update.callback_query.answer()
    if not confirmed:
        await edit(update, context, "agenda_dropped", person.lang)
        return
    if pending["session_at"] <= context.now_ts():
        await edit(update, context, "agenda_session_started", person.lang)
        return
    await context.repo.add_topic(
        pending["team"], pending["session_at"], pending["text"], context.now_ts()
    )
    await edit(update, context, "agenda_added", person.lang)


HANDLERS = [
    CommandHandler("agenda", agenda, filters=PRIVATE_MESSAGE),
    CallbackQueryHandler(agenda, pattern=r"^ag:start:now$"),
    CallbackQueryHandler(topic_pressed, pattern=TOPIC.pattern),
]
