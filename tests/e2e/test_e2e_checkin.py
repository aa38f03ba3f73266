"""The after-shift check-in, against the real bot process: signposting after a heavy shift,
the crisis resources on risk wording, and asking the coordinator to get in touch.

Each test starts `peer-reflect run` against telegram-test-api (through the shim) and acts as
people in private chats. See tests/e2e/README.md for how the pieces fit.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .harness import (
    COORDINATOR_ID,
    TEAM_ID,
    BotMessage,
    BotProcess,
    Person,
    join,
    plain,
    wait_until,
)
from .shim import ApiCall, BotApiShim

pytestmark = pytest.mark.e2e

HEAVY_ID = 5550011
RISK_ID = 5550012
TALKER_ID = 5550013

TOTAL = 6  # steps in prompts/scripts/default.toml
LOAD_Q = "How heavy does today feel?"
STAYED_Q = "What stayed with you from this shift?"
OWN_STORY_Q = "Did anything today touch your own lived experience?"
BOUNDARIES_Q = "Were you clear about what was yours to do today?"
HELPED_Q = "What helped you today?"
NEED_Q = "What do you need now?"
SUPPORT_HEADING = "Support you can reach:"
# The e2e config's one [[teams.resources]] of kind "support".
SUPPORT_RESOURCE = ("Your coordinator", "Ask for a supervision conversation")
# From the e2e config's [[teams.resources]] of kind "crisis" and "emergency".
CRISIS_LINES = (
    "Samaritans",
    "Call 116 123, free, any time, day or night",
    "Emergency services",
    "Call 999 if you or someone else is in danger now",
)
AFTER_RISK_BUTTONS = ["Carry on", "That's not what I meant", "Stop here"]
ASK_COORDINATOR = "Ask my coordinator to contact me"
EDITS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})


def labels(message: BotMessage) -> list[str]:
    return [label for label, _ in message.buttons]


def next_reply(person: Person) -> BotMessage:
    """The first message the bot sent this person since their latest action."""

    def probe() -> BotMessage | None:
        person.receive()
        return person.replies[0] if person.replies else None

    return wait_until(probe, lambda: f"{person} to get any reply")


def callback_answer(shim: BotApiShim, since: int, text: str) -> ApiCall:
    """The bot's answerCallbackQuery (the small pop-up on a pressed button) showing `text`,
    among the calls recorded after index `since`."""

    def answers() -> list[ApiCall]:
        return [c for c in shim.calls()[since:] if c.method == "answerCallbackQuery"]

    return wait_until(
        lambda: next((c for c in answers() if text in str(c.params.get("text", ""))), None),
        lambda: (
            f"a button answer showing {text!r}; answers seen: "
            f"{[c.params.get('text') for c in answers()]}"
        ),
    )


def assert_not_on_disk(bot: BotProcess, fragments: tuple[str, ...]) -> None:
    """None of `fragments` is anywhere in the database file or its write-ahead log, read as
    bytes: everything the bot keeps on disk."""
    files = [bot.database, bot.database.with_name(bot.database.name + "-wal")]
    contents = {path.name: path.read_bytes() for path in files if path.exists()}
    # What was kept is there to be found, so a search that finds nothing means something.
    assert any(TEAM_ID.encode("utf-8") in data for data in contents.values()), (
        f"no member row in {sorted(contents)}: the wrong files?"
    )
    for fragment in fragments:
        needle = fragment.encode("utf-8")
        for name, data in contents.items():
            at = data.find(needle)
            assert at < 0, (
                f"{fragment!r} is in {name} at byte {at} of {len(data)}: "
                f"{data[max(0, at - 200) : at + 100]!r}"
            )


def start_checkin(member: Person) -> BotMessage:
    """/checkin; the first question, checked."""
    member.command("/checkin")
    first = member.wait_for(LOAD_Q)
    assert "look back on your shift" in first.plain
    assert f"1 of {TOTAL}" in first.plain
    assert labels(first) == [str(n) for n in range(11)]
    return first


def choose(
    member: Person, question: BotMessage, label: str, following: str, shown: str = ""
) -> BotMessage:
    """Tap `label` under `question`; the question then shows the answer (`shown`, if not the
    label itself), and the next question comes."""
    member.press(question, label)
    member.wait_for_edit(question, f"→ {shown or label}")
    return member.wait_for(following)


def test_heavy_shift_is_signposted_to_support(
    running_bot: BotProcess, coordinator: Person, person: Callable[..., Person]
) -> None:
    member = person(HEAVY_ID, "Hana")
    join(coordinator, member)

    load = start_checkin(member)
    stayed = choose(member, load, "9", STAYED_Q)
    assert f"2 of {TOTAL}" in stayed.plain
    assert labels(stayed) == ["Skip"]

    own_story = choose(member, stayed, "Skip", OWN_STORY_Q, shown="skipped")
    assert labels(own_story) == ["Yes", "A little", "No"]
    boundaries = choose(member, own_story, "No", BOUNDARIES_Q)
    assert labels(boundaries) == ["Yes", "Not sure", "No"]
    helped = choose(member, boundaries, "Yes", HELPED_Q)
    assert f"5 of {TOTAL}" in helped.plain

    member.command("/skip")
    need = member.wait_for(NEED_Q)
    assert f"6 of {TOTAL}" in need.plain
    assert labels(need) == ["Rest", "Talk to someone", "Practical help", "Nothing right now"]

    member.press(need, "Nothing right now")
    member.wait_for_edit(need, "→ Nothing right now")
    support = member.wait_for(SUPPORT_HEADING)
    member.receive()
    close, *rest = member.replies
    assert rest == [support], [m.plain for m in member.replies]
    # The close comes first: a thank-you and, after a heavy load, a grounding idea.
    assert "Thank" in close.plain
    assert "slow breaths" in close.plain
    assert not close.buttons
    # Then the support message, naming the team's support resources.
    assert "took a lot out of you" in support.plain
    assert all(part in support.plain for part in SUPPORT_RESOURCE), support.plain
    assert "Samaritans" not in support.plain, "crisis lines shown without risk wording"
    assert ASK_COORDINATOR not in support.plain
    assert not support.buttons, "no 'talk to someone', so nothing to press"

    rows = running_bot.db_rows("SELECT user_id, load, flags FROM checkins")
    assert len(rows) == 1, rows
    user_id, kept_load, flags = rows[0]
    assert (user_id, kept_load) == (HEAVY_ID, 9)
    assert "high_load" in flags.split(","), flags
    assert running_bot.db_rows("SELECT COUNT(*) FROM checkin_progress") == [(0,)]


def test_risk_wording_brings_crisis_resources_first(
    running_bot: BotProcess, shim: BotApiShim, coordinator: Person, person: Callable[..., Person]
) -> None:
    words = "I keep thinking I want to die"
    member = person(RISK_ID, "Rhiannon")
    join(coordinator, member)

    load = start_checkin(member)
    stayed = choose(member, load, "5", STAYED_Q)

    member.say(words)
    crisis = next_reply(member)
    assert "If you need to talk to someone now" in crisis.plain, crisis.plain
    for line in CRISIS_LINES:
        assert line in crisis.plain, crisis.plain
    assert OWN_STORY_Q not in crisis.plain
    assert labels(crisis) == AFTER_RISK_BUTTONS
    member.receive()
    assert [m.message_id for m in member.replies] == [crisis.message_id], (
        f"more than the crisis resources after risk wording: {[m.plain for m in member.replies]}"
    )
    paused = running_bot.db_rows(
        "SELECT step, paused, flags FROM checkin_progress WHERE user_id = ?", (RISK_ID,)
    )
    assert len(paused) == 1, paused
    step, is_paused, flags = paused[0]
    assert (step, is_paused) == (1, 1), paused
    assert "risk" in flags.split(","), paused

    member.press(crisis, "That's not what I meant")
    next_question = member.wait_for(OWN_STORY_Q)
    carry_on, *rest = member.replies
    assert rest == [next_question], [m.plain for m in member.replies]
    assert "Thanks for letting me know" in carry_on.plain, carry_on.plain
    assert "Let's carry on" in carry_on.plain, carry_on.plain
    assert f"3 of {TOTAL}" in next_question.plain
    assert labels(next_question) == ["Yes", "A little", "No"]

    # The resources stay exactly as they were sent: never edited, never deleted.
    touched = [
        c
        for c in shim.calls()
        if (c.method in EDITS or c.method == "deleteMessage")
        and c.chat_id == RISK_ID
        and c.message_id == crisis.message_id
    ]
    assert touched == [], touched
    # The question the words answered was not edited to show them either.
    stayed_edits = [
        plain(str(c.params.get("text", "")))
        for c in shim.calls()
        if c.method in EDITS and c.message_id == stayed.message_id
    ]
    assert all("want to die" not in text for text in stayed_edits), stayed_edits

    resumed = running_bot.db_rows(
        "SELECT step, paused, flags FROM checkin_progress WHERE user_id = ?", (RISK_ID,)
    )
    assert len(resumed) == 1, resumed
    step, is_paused, flags = resumed[0]
    assert (step, is_paused) == (2, 0), resumed
    assert "risk" not in flags.split(","), "a denial is believed; the resources stay in the chat"

    assert_not_on_disk(running_bot, (words, "want to die", "keep thinking"))
    assert "want to die" not in running_bot.log()


def test_talk_to_someone_asks_the_coordinator_once(
    running_bot: BotProcess, shim: BotApiShim, coordinator: Person, person: Callable[..., Person]
) -> None:
    first_name = "Tamsin"
    stayed_words = "zephyrquill marmalade"
    helped_words = "lighthousecartwheel"
    typed = ("zephyrquill", "marmalade", "lighthousecartwheel")
    member = person(TALKER_ID, first_name)
    join(coordinator, member)

    load = start_checkin(member)
    stayed = choose(member, load, "4", STAYED_Q)
    member.say(stayed_words)
    own_story = member.wait_for(OWN_STORY_Q)
    boundaries = choose(member, own_story, "A little", BOUNDARIES_Q)
    choose(member, boundaries, "Not sure", HELPED_Q)
    member.say(helped_words)
    need = member.wait_for(NEED_Q)
    member.press(need, "Talk to someone")
    support = member.wait_for(SUPPORT_HEADING)
    assert labels(support) == [ASK_COORDINATOR]
    assert all(part in support.plain for part in SUPPORT_RESOURCE), support.plain
    assert stayed.message_id != support.message_id

    coordinator.receive()
    coordinator_seen = len(coordinator.inbox)
    sent_before = len(shim.calls("sendMessage", chat_id=COORDINATOR_ID))

    member.press(support, ASK_COORDINATOR)
    member.wait_for("I've let your coordinator know")

    def coordinator_news() -> list[BotMessage]:
        coordinator.receive()
        return coordinator.inbox[coordinator_seen:]

    news = wait_until(coordinator_news, lambda: "the coordinator to hear of the request")
    assert len(news) == 1, [m.plain for m in news]
    request = news[0]
    assert first_name in request.plain, request.text
    assert f"tg://user?id={TALKER_ID}" in request.text, request.text
    assert "get in touch" in request.plain, request.plain
    for word in typed:
        assert word not in request.text, f"{word!r} reached the coordinator"
    assert not request.buttons
    # The support message keeps its words; only the spent button goes.
    markup_edits = wait_until(
        lambda: [
            c
            for c in shim.calls("editMessageReplyMarkup", chat_id=TALKER_ID)
            if c.message_id == support.message_id
        ],
        lambda: "the spent button to be removed from the support message",
    )
    assert not (markup_edits[-1].params.get("reply_markup") or {}).get("inline_keyboard")
    assert not [
        c
        for c in shim.calls("editMessageText", chat_id=TALKER_ID)
        if c.message_id == support.message_id
    ]

    # A second tap (a stale client still showing the button) sends nothing more.
    calls_before = len(shim.calls())
    member.press(support, ASK_COORDINATOR)
    callback_answer(shim, calls_before, "Your coordinator has already been asked.")
    assert coordinator_news() == news
    assert len(shim.calls("sendMessage", chat_id=COORDINATOR_ID)) == sent_before + 1

    rows = running_bot.db_rows("SELECT load, flags, contact_requested FROM checkins")
    assert len(rows) == 1, rows
    kept_load, flags, contact_requested = rows[0]
    assert (kept_load, contact_requested) == (4, 1), rows
    assert "talk" in flags.split(","), rows
    assert_not_on_disk(running_bot, typed)
