"""The after-shift check-in through the real Application: flow, input faults, restarts, and
what the database holds afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.context import BotContext
from bot.offline import ApiCall
from handlers.checkin import expire_idle
from tests.conftest import MEMBER, OTHER, Harness, texts

LOAD = "How heavy does today feel?"
STAYED = "What stayed with you from this shift?"
OWN_STORY = "Did anything today touch your own lived experience?"
BOUNDARIES = "Were you clear about what was yours to do today?"
HELPED = "What helped you today?"
NEED = "What do you need now?"
SECRET = "the client on ward 4 said something about her brother zq7x"


class Walk:
    """Answers a check-in step by step, the way a person taps and types."""

    def __init__(self, bot: Harness, user: int = MEMBER) -> None:
        self.bot = bot
        self.user = user
        self.last: list[ApiCall] = []

    async def start(self) -> list[ApiCall]:
        self.last = await self.bot.send(self.user, "/checkin")
        return self.last

    async def tap(self, label: str) -> list[ApiCall]:
        self.last = await self.bot.press_label(self.user, self.last, label)
        return self.last

    async def type(self, text: str) -> list[ApiCall]:
        self.last = await self.bot.send(self.user, text)
        return self.last

    async def all(
        self,
        load: str = "5",
        own: str = "No",
        clear: str = "Yes",
        need: str = "Rest",
        stayed: str = SECRET,
        helped: str = "tea zq7x",
    ) -> None:
        await self.start()
        await self.tap(load)
        await self.type(stayed)
        await self.tap(own)
        await self.tap(clear)
        await self.type(helped)
        await self.tap(need)


@pytest.fixture
async def member(bot: Harness) -> Harness:
    await bot.join(MEMBER)
    return bot


def checkins(bot: Harness) -> list[tuple[Any, ...]]:
    return bot.db_rows("SELECT user_id, load, answers, flags FROM checkins ORDER BY id")


def progress_rows(bot: Harness) -> list[tuple[Any, ...]]:
    return bot.db_rows("SELECT user_id, step FROM checkin_progress")


async def test_full_check_in_keeps_only_structured_answers(member: Harness) -> None:
    walk = Walk(member)
    calls = await walk.start()
    assert "Let's take a few minutes" in texts(calls)
    assert LOAD in texts(calls)
    assert [label for label, _ in calls[-1].buttons] == [str(n) for n in range(11)]
    assert progress_rows(member) == [(MEMBER, 0)]

    calls = await walk.tap("6")
    assert "→ <i>6</i>" in texts(calls)  # the answered question shows the answer
    assert STAYED in texts(calls)
    assert [label for label, _ in calls[-1].buttons] == ["Skip"]
    calls = await walk.type(SECRET)
    assert OWN_STORY in texts(calls)
    assert [label for label, _ in calls[-1].buttons] == ["Yes", "A little", "No"]
    assert BOUNDARIES in texts(await walk.tap("A little"))
    assert HELPED in texts(await walk.tap("Not sure"))
    calls = await walk.type("my colleague zq7x")
    assert [label for label, _ in calls[-1].buttons] == [
        "Rest",
        "Talk to someone",
        "Practical help",
        "Nothing right now",
    ]
    calls = await walk.tap("Nothing right now")
    closing = texts(calls)
    assert "One idea:" in closing
    assert "Support you can reach" not in closing  # nothing was flagged

    rows = checkins(member)
    assert len(rows) == 1
    user, load, answers, flags = rows[0]
    assert (user, load, flags) == (MEMBER, 6, "")
    assert json.loads(answers) == {
        "load": 6,
        "own_story": "a_little",
        "boundaries": "not_sure",
        "need": "nothing",
    }
    assert progress_rows(member) == []


async def test_typed_words_appear_nowhere_in_the_database_files(member: Harness) -> None:
    await Walk(member).all(stayed=SECRET, helped="my colleague zq7x")
    # a check-in in progress too, with typed words
    walk = Walk(member)
    await walk.start()
    await walk.tap("3")
    await walk.type("another secret zq7x thought")
    await member.repo.connection.execute("PRAGMA wal_checkpoint(FULL)")
    files = list(member.config.database.parent.glob("bot.sqlite3*"))
    assert files
    for path in files:
        content = path.read_bytes()
        assert b"zq7x" not in content, path
        assert b"ward 4" not in content, path


async def test_skip_by_button_and_by_command(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("2")
    calls = await walk.tap("Skip")
    assert "→ <i>skipped</i>" in texts(calls)
    assert OWN_STORY in texts(calls)
    calls = await member.send(MEMBER, "/skip")
    assert "can't be skipped" in texts(calls)
    assert OWN_STORY in texts(calls)  # asked again, with its buttons
    walk.last = calls
    await walk.tap("No")
    await walk.tap("Yes")
    calls = await walk.type("/skip")
    assert NEED in texts(calls)
    walk.last = calls
    await walk.tap("Rest")
    assert json.loads(checkins(member)[0][2]) == {
        "load": 2,
        "own_story": "no",
        "boundaries": "yes",
        "need": "rest",
    }


async def test_skip_without_a_check_in(member: Harness) -> None:
    assert "nothing to skip" in texts(await member.send(MEMBER, "/skip"))


async def test_cancel_keeps_nothing(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("9")
    calls = await member.send(MEMBER, "/cancel")
    assert "Check-in stopped. I haven't kept any of it." in texts(calls)
    assert progress_rows(member) == []
    assert checkins(member) == []
    calls = await member.press_label(MEMBER, walk.last, "Skip")
    assert calls[0].params["text"] == "This check-in has ended."


async def test_idle_check_in_expires_with_a_kind_note(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("4")
    member.clock.advance(minutes=31)
    calls = await walk.type("late words")
    assert "ran out of time, so I haven't kept any of it" in texts(calls)
    assert progress_rows(member) == []
    assert checkins(member) == []


async def test_idle_check_ins_are_ended_by_the_periodic_job(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    member.clock.advance(minutes=29)
    assert await expire_idle(BotContext(member.app)) == 0
    member.clock.advance(minutes=2)
    member.api.clear()
    assert await expire_idle(BotContext(member.app)) == 1
    assert "ran out of time" in texts(member.api.sent(MEMBER))
    assert progress_rows(member) == []
    calls = await member.press_label(MEMBER, walk.last, "5")
    assert calls[0].params["text"] == "This check-in has ended."


async def test_restart_in_the_middle_carries_on(make_harness: Any) -> None:
    async with make_harness() as bot:
        await bot.join(MEMBER)
        walk = Walk(bot)
        await walk.start()
        await walk.tap("8")
        await walk.type("words")
        question = walk.last  # own story, with buttons
    async with make_harness() as bot:
        walk = Walk(bot)
        walk.last = question
        calls = await walk.tap("Yes")  # the old button still works after the restart
        assert BOUNDARIES in texts(calls)
        calls = await bot.send(MEMBER, "/checkin")
        assert "carry on where you left off" in texts(calls)
        assert BOUNDARIES in texts(calls)
        walk.last = calls
        await walk.tap("Yes")
        await walk.tap("Skip")
        await walk.tap("Rest")
        rows = checkins(bot)
        assert len(rows) == 1
        assert json.loads(rows[0][2])["own_story"] == "yes"
        assert rows[0][1] == 8


async def test_stale_and_foreign_buttons(member: Harness) -> None:
    await member.join(OTHER)
    walk = Walk(member)
    first = await walk.start()
    await walk.tap("3")
    again = await member.press_label(MEMBER, first, "7")
    assert again[0].params["text"] == "You've already answered that one."
    foreign = await member.press_label(OTHER, walk.last, "Skip")
    assert foreign[0].params["text"] == "This check-in has ended."
    assert progress_rows(member) == [(MEMBER, 1)]
    await walk.tap("Skip")
    await walk.tap("No")
    await walk.tap("No")
    await walk.tap("Skip")
    need = walk.last
    await walk.tap("Rest")
    finished = await member.press_label(MEMBER, need, "Rest")
    assert finished[0].params["text"] == "This check-in has ended."
    assert len(checkins(member)) == 1


@pytest.mark.parametrize(
    "data",
    [
        "ci:ans:00000000-0-5",
        "ci:ans:{nonce}-0-11",
        "ci:ans:{nonce}-0-maybe",
        "ci:ans:{nonce}-9-5",
        "ci:skip:{nonce}-0",
        "ci:go:{nonce}",
        "ci:stop:{nonce}",
    ],
)
async def test_forged_check_in_buttons_change_nothing(member: Harness, data: str) -> None:
    calls = await member.send(MEMBER, "/checkin")
    nonce = calls[-1].buttons[0][1].split(":")[2].split("-")[0]
    answered = await member.press(MEMBER, data.format(nonce=nonce))
    assert [c.method for c in answered] == ["answerCallbackQuery"]
    assert answered[0].params["text"] in (
        "This check-in has ended.",
        "You've already answered that one.",
        "This one can't be skipped.",
    )
    assert progress_rows(member) == [(MEMBER, 0)]


async def test_text_where_a_button_is_expected_gets_a_gentle_reask(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    calls = await walk.type("about a seven I think")
    assert "Please tap one of the buttons." in texts(calls)
    assert LOAD in texts(calls)
    assert len(calls[-1].buttons) == 11
    calls = await member.feed(member.updates.sticker(MEMBER))
    assert "Please tap one of the buttons." in texts(calls)
    assert progress_rows(member) == [(MEMBER, 0)]


@pytest.mark.parametrize("kind", ["sticker", "photo"])
async def test_sticker_or_photo_where_words_are_expected(member: Harness, kind: str) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("5")
    update = member.updates.sticker(MEMBER) if kind == "sticker" else member.updates.photo(MEMBER)
    calls = await member.feed(update)
    assert "I can only read typed words here. You can type your answer, or /skip." in texts(calls)
    assert progress_rows(member) == [(MEMBER, 1)]


async def test_a_5000_character_answer_is_read_and_dropped(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("5")
    calls = await walk.type("long day " * 555 + "zq7x")
    assert OWN_STORY in texts(calls)
    assert b"zq7x" not in member.config.database.read_bytes()


async def test_edited_answer_is_ignored(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("5")
    calls = await member.feed(member.updates.message(MEMBER, "I want to die", edited=True))
    assert calls == []
    assert progress_rows(member) == [(MEMBER, 1)]


async def test_strangers_cannot_check_in(bot: Harness) -> None:
    assert "Check-ins are for team members" in texts(await bot.send(OTHER, "/checkin"))
    assert bot.db_rows("SELECT COUNT(*) FROM checkin_progress") == [(0,)]


# --- signposting ------------------------------------------------------------------------------


async def test_high_load_brings_support_options(member: Harness) -> None:
    walk = Walk(member)
    await walk.all(load="7", need="Rest")
    sent = member.api.sent(MEMBER)
    support = sent[-1].text
    assert "It sounds like today took a lot out of you." in support
    assert "Support you can reach" not in support  # the test team has only a crisis line
    assert checkins(member)[0][3] == "high_load"
    assert sent[-1].buttons == []


async def test_load_below_the_threshold_is_not_flagged(member: Harness) -> None:
    await Walk(member).all(load="6")
    assert checkins(member)[0][3] == ""


async def test_risk_wording_pauses_and_puts_crisis_resources_first(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("4")
    calls = await walk.type("Honestly some days I want  to DIE")
    assert len(calls) == 1, "the crisis resources come before anything else"
    crisis = calls[0]
    assert "Samaritans" in crisis.text
    assert "Call 116 123" in crisis.text
    assert [label for label, _ in crisis.buttons] == [
        "Carry on",
        "That's not what I meant",
        "Stop here",
    ]
    # paused: typing more shows the resources again, no next question
    again = await walk.type("whatever")
    assert "Samaritans" in texts(again)
    assert OWN_STORY not in texts(again)
    walk.last = calls
    calls = await walk.tap("That's not what I meant")
    assert "Thanks for letting me know" in texts(calls)
    assert OWN_STORY in texts(calls)
    assert not [c for c in calls if c.method == "editMessageText"], "resources stay in the chat"
    await walk.tap("No")
    await walk.tap("Yes")
    await walk.tap("Skip")
    await walk.tap("Rest")
    rows = checkins(member)
    assert "risk" not in rows[0][3].split(","), "a denial is believed"
    assert b"DIE" not in member.config.database.read_bytes()


async def test_stop_after_risk_keeps_nothing(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("4")
    await walk.type("i can't go on")
    calls = await walk.tap("Stop here")
    assert "we'll stop here" in texts(calls)
    assert checkins(member) == []
    assert progress_rows(member) == []


async def test_talk_to_someone_reaches_the_coordinator_by_name_only(member: Harness) -> None:
    from tests.conftest import COORDINATOR

    walk = Walk(member)
    await walk.all(load="3", need="Talk to someone", stayed=SECRET)
    support = member.api.sent(MEMBER)[-1]
    assert "I can ask your coordinator to get in touch" in support.text
    calls = await member.press_label(MEMBER, [support], "Ask my coordinator to contact me")
    to_coordinator = [c for c in calls if c.chat_id == COORDINATOR and c.method == "sendMessage"]
    assert len(to_coordinator) == 1
    message = to_coordinator[0].text
    assert f'<a href="tg://user?id={MEMBER}">Alex</a>' in message
    assert "North peer team" in message
    assert "zq7x" not in message
    assert "ward" not in message
    assert "I've let your coordinator know" in texts([c for c in calls if c.chat_id == MEMBER])
    assert any(c.method == "editMessageReplyMarkup" for c in calls)
    twice = await member.press_label(MEMBER, [support], "Ask my coordinator to contact me")
    assert [c.method for c in twice] == ["answerCallbackQuery"]
    assert twice[0].params["text"] == "Your coordinator has already been asked."
    assert member.db_rows("SELECT contact_requested FROM checkins") == [(1,)]


async def test_unreachable_coordinator_is_said_and_can_be_tried_again(member: Harness) -> None:
    from tests.conftest import COORDINATOR

    await Walk(member).all(need="Talk to someone")
    support = member.api.sent(MEMBER)[-1]
    member.api.fail("sendMessage", COORDINATOR, 403, "Forbidden: bot was blocked by the user")
    calls = await member.press_label(MEMBER, [support], "Ask my coordinator to contact me")
    assert "couldn't reach your coordinator just now" in texts(calls)
    assert "Samaritans" in texts(calls)
    assert member.db_rows("SELECT contact_requested FROM checkins") == [(0,)]
    calls = await member.press_label(MEMBER, [support], "Ask my coordinator to contact me")
    assert "I've let your coordinator know" in texts(calls)


async def test_forged_contact_button_sends_nothing(member: Harness) -> None:
    await Walk(member).all(need="Rest")  # not flagged "talk"
    calls = await member.press(MEMBER, "sp:contact:1")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    await member.join(OTHER)
    await Walk(member, OTHER).all(need="Talk to someone")
    calls = await member.press(MEMBER, "sp:contact:2")  # someone else's check-in
    assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_a_run_of_hard_shifts_suggests_supervision_or_time_off(member: Harness) -> None:
    await Walk(member).all(load="8")
    member.clock.advance(days=6)
    await Walk(member).all(load="2", need="Talk to someone")
    member.clock.advance(days=7, hours=23)
    await Walk(member).all(load="9")
    assert "one of several hard shifts in the last 14 days" in member.api.sent(MEMBER)[-1].text
    assert checkins(member)[-1][3] == "high_load,run"


async def test_hard_shifts_outside_the_window_do_not_make_a_run(member: Harness) -> None:
    await Walk(member).all(load="8")
    member.clock.advance(days=7)
    await Walk(member).all(load="8")
    member.clock.advance(days=7, seconds=1)
    await Walk(member).all(load="8")
    assert checkins(member)[-1][3] == "high_load"


async def test_own_story_on_a_heavy_day_points_to_the_recovery_plan(member: Harness) -> None:
    await Walk(member).all(load="8", own="Yes")
    support = member.api.sent(MEMBER)[-1].text
    assert "wellness or recovery plan" in support
    assert checkins(member)[0][3] == "high_load,own_story"


async def test_german_check_in(bot: Harness) -> None:
    await bot.join(MEMBER, language_code="de")
    calls = await bot.send(MEMBER, "/checkin")
    assert "Wie schwer" in texts(calls)


async def test_risk_wording_typed_at_a_button_step_is_heard(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    calls = await walk.type("honestly I want to die")
    assert "Samaritans" in calls[0].text
    assert LOAD not in texts(calls)
    assert member.db_rows("SELECT paused, flags FROM checkin_progress") == [(1, "risk")]


async def test_risk_wording_in_a_photo_caption_is_heard(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("5")
    calls = await member.feed(member.updates.photo(MEMBER, caption="self harm again"))
    assert "Samaritans" in texts(calls)


async def test_stop_here_still_works_after_carrying_on(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("5")
    crisis = await walk.type("I want to die")
    walk.last = crisis
    await walk.tap("Carry on")
    again = await member.press_label(MEMBER, crisis, "Carry on")
    assert again[0].params["text"] == "You've already answered that one."
    calls = await member.press_label(MEMBER, crisis, "Stop here")
    assert "we'll stop here" in texts(calls)
    assert progress_rows(member) == []
    assert checkins(member) == []


async def test_carrying_on_after_risk_keeps_the_flag_and_the_reminder(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("4")
    walk.last = await walk.type("I want to die")
    calls = await walk.tap("Carry on")
    assert OWN_STORY in texts(calls)
    await walk.tap("No")
    await walk.tap("Yes")
    await walk.tap("Skip")
    await walk.tap("Rest")
    assert "risk" in checkins(member)[0][3].split(",")
    assert "crisis lines above stay in our chat" in texts(walk.last)


async def test_carrying_on_after_risk_at_a_button_step_asks_that_question_again(
    member: Harness,
) -> None:
    walk = Walk(member)
    await walk.start()
    walk.last = await walk.type("I want to die")
    calls = await walk.tap("Carry on")
    assert LOAD in texts(calls), "the load still needs its answer"
    await walk.tap("8")
    await walk.tap("Skip")
    await walk.tap("No")
    await walk.tap("Yes")
    await walk.tap("Skip")
    await walk.tap("Rest")
    row = checkins(member)[0]
    assert row[1] == 8
    assert set(row[3].split(",")) == {"high_load", "risk"}


async def test_risk_wording_is_heard_even_with_another_prompt_open(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("8")
    await member.press_label(MEMBER, await member.send(MEMBER, "/settings"), "Time zone")
    calls = await walk.type("I want to end my life")
    assert "Samaritans" in texts(calls)
    assert "time zone" not in texts(calls)
    assert member.db_rows("SELECT paused, flags FROM checkin_progress") == [(1, "risk")]


async def test_starting_a_check_in_drops_a_forgotten_prompt(member: Harness) -> None:
    await member.press_label(MEMBER, await member.send(MEMBER, "/settings"), "Time zone")
    walk = Walk(member)
    await walk.start()
    await walk.tap("3")
    calls = await walk.type("Europe/Paris")  # an answer to the check-in now, not a time zone
    assert OWN_STORY in texts(calls)
    assert member.db_rows("SELECT timezone FROM members") == [("Europe/London",)]


async def test_a_lapsed_prompt_no_longer_takes_the_next_message(member: Harness) -> None:
    await member.press_label(MEMBER, await member.send(MEMBER, "/settings"), "Time zone")
    member.clock.advance(minutes=31)
    calls = await member.send(MEMBER, "Asia/Tokyo")
    assert "I don't keep messages like this one" in texts(calls)
    assert member.db_rows("SELECT timezone FROM members") == [("Europe/London",)]


async def test_risk_wording_outside_a_check_in_gets_the_crisis_lines(member: Harness) -> None:
    calls = await member.send(MEMBER, "i just want to die tonight")
    assert "Samaritans" in calls[0].text


async def test_an_unknown_command_is_not_taken_as_an_answer(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("3")
    calls = await walk.type("/stop")
    assert "I don't know that command" in texts(calls)
    assert progress_rows(member) == [(MEMBER, 1)]


async def test_skip_while_paused_shows_the_resources_again(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("3")
    await walk.type("I want to die")
    calls = await member.send(MEMBER, "/skip")
    assert "Samaritans" in texts(calls)
    assert "nothing to skip" not in texts(calls)


async def test_a_script_edited_during_a_restart_ends_the_check_in_kindly(
    make_harness: Any, tmp_path: Any
) -> None:
    import shutil

    from prompts import PROMPTS_DIR, Prompts

    async with make_harness() as bot:
        await bot.join(MEMBER)
        walk = Walk(bot)
        await walk.start()
        await walk.tap("5")
        await walk.type("words")
        await walk.tap("No")
        old_buttons = walk.last
    edited = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, edited, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    script = edited / "scripts" / "default.toml"
    text = script.read_text(encoding="utf-8")
    start = text.index('[[steps]]\nid = "helped"')
    end = text.index("[[steps]]", start + 5)
    script.write_text(text[:start] + text[end:], encoding="utf-8")  # one question fewer
    bot_prompts = Prompts(edited)
    from bot.app import build_application, running
    from bot.offline import LocalBotAPI, UpdateFactory
    from tests.conftest import TOKEN

    api = LocalBotAPI()
    app = build_application(
        bot.config, TOKEN, request=api, clock=bot.clock, prompts=bot_prompts, rate_limit=False
    )
    async with running(app):
        assert app.job_queue is not None
        app.job_queue.scheduler.pause()
        updates = UpdateFactory(app.bot)
        await app.process_update(updates.message(MEMBER, "more words"))
        assert "changed the check-in questions" in texts(api.calls)
        api.clear()
        label_data = dict(old_buttons[-1].buttons)
        await app.process_update(updates.callback(MEMBER, label_data["Yes"]))
        assert api.calls[0].params["text"] == "This check-in has ended."
        api.clear()
        await app.process_update(updates.message(MEMBER, "/checkin"))
        assert "How heavy does today feel?" in texts(api.calls)


async def test_an_expired_check_in_after_risk_points_back_to_support(member: Harness) -> None:
    walk = Walk(member)
    await walk.start()
    await walk.tap("3")
    await walk.type("I want to die")
    member.clock.advance(minutes=31)
    member.api.clear()
    await expire_idle(BotContext(member.app))
    note = texts(member.api.sent(MEMBER))
    assert "The support I shared is still above in our chat" in note


async def test_the_notice_says_check_ins_are_kept_before_anyone_agrees(bot: Harness) -> None:
    code = await bot.new_invite_code()
    notice = texts(await bot.send(MEMBER, f"/start {code}"))
    assert "for each check-in" in notice
    assert "kept for 90 days" in notice
    assert "anonymised team figures" in notice
    assert "nothing from fewer than 5 people" in notice


async def test_the_coordinator_also_gets_the_username_when_there_is_one(member: Harness) -> None:
    from tests.conftest import COORDINATOR

    member.updates.usernames = {MEMBER: "alex_peer"}
    await Walk(member).all(need="Talk to someone")
    support = member.api.sent(MEMBER)[-1]
    calls = await member.press_label(MEMBER, [support], "Ask my coordinator to contact me")
    message = next(c for c in calls if c.chat_id == COORDINATOR and c.method == "sendMessage")
    assert "(@alex_peer)" in message.text
    assert b"alex_peer" not in member.config.database.read_bytes()


async def test_an_answer_racing_the_expiry_does_not_bring_the_check_in_back(
    member: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk = Walk(member)
    await walk.start()
    member.clock.advance(minutes=29)
    # The expiry job runs while the answer is being handled, between reading and writing.
    import handlers.checkin

    real_edit = handlers.checkin.edit

    async def edit_then_expire(*args: Any, **kwargs: Any) -> Any:
        await real_edit(*args, **kwargs)
        member.clock.advance(minutes=2)
        await expire_idle(BotContext(member.app))

    monkeypatch.setattr(handlers.checkin, "edit", edit_then_expire)
    calls = await walk.tap("5")
    assert progress_rows(member) == [], "ended stays ended"
    assert STAYED not in texts([c for c in calls if c.method == "sendMessage"][1:]), (
        "no next question after the expiry note"
    )


async def test_practical_help_gets_its_own_words_and_the_contact_button(member: Harness) -> None:
    await Walk(member).all(load="2", need="Practical help")
    support = member.api.sent(MEMBER)[-1]
    assert "practical help would make a difference" in support.text
    assert [label for label, _ in support.buttons] == ["Ask my coordinator to contact me"]


async def test_a_sole_coordinator_is_not_offered_a_button_to_contact_themself(bot: Harness) -> None:
    from tests.conftest import COORDINATOR

    calls = await bot.send(COORDINATOR, "/start")
    await bot.press_label(COORDINATOR, calls, "I agree")
    await Walk(bot, COORDINATOR).all(load="3", need="Talk to someone")
    support = bot.api.sent(COORDINATOR)[-1]
    assert "You said you'd like to talk to someone." in support.text
    assert "The support above" not in support.text, "this team lists no support to point to"
    assert support.buttons == []
