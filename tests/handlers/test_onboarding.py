"""Getting in: invites, the privacy notice, consent, and everything that can go wrong there."""

from __future__ import annotations

from typing import Any

import pytest

from storage import Role
from tests.conftest import COORDINATOR, MEMBER, OTHER, STRANGER, Harness, texts


def member_rows(bot: Harness) -> list[tuple[Any, ...]]:
    return bot.db_rows("SELECT user_id, team_id, role FROM members ORDER BY user_id")


async def test_stranger_start_is_told_to_ask_for_an_invite_and_nothing_is_stored(
    bot: Harness,
) -> None:
    calls = await bot.send(STRANGER, "/start")
    assert "ask your coordinator for an invite link" in texts(calls)
    assert calls[-1].buttons == []
    assert member_rows(bot) == []


@pytest.mark.parametrize(
    "code",
    [
        "a" * 65,
        "bad%20code",
        "../../etc",
        "x" * 22,
    ],
)
async def test_forged_or_unknown_codes_get_a_kind_refusal(bot: Harness, code: str) -> None:
    calls = await bot.send(STRANGER, f"/start {code}")
    assert "doesn't work any more" in texts(calls)
    assert member_rows(bot) == []


async def test_expired_invite_is_refused(bot: Harness) -> None:
    code = await bot.new_invite_code(args="1")
    bot.clock.advance(days=1, seconds=1)
    calls = await bot.send(MEMBER, f"/start {code}")
    assert "doesn't work any more" in texts(calls)
    assert member_rows(bot) == []


async def test_used_up_invite_is_refused(bot: Harness) -> None:
    code = await bot.new_invite_code(args="7 1")
    calls = await bot.send(MEMBER, f"/start {code}")
    await bot.press_label(MEMBER, calls, "I agree")
    calls = await bot.send(OTHER, f"/start {code}")
    assert "doesn't work any more" in texts(calls)
    assert member_rows(bot) == [(MEMBER, "north", "member")]


async def test_invite_notice_then_agree_stores_the_person(bot: Harness) -> None:
    code = await bot.new_invite_code()
    calls = await bot.send(MEMBER, f"/start {code}")
    notice = texts(calls)
    assert "what I keep, and why" in notice
    assert "North peer team" in notice
    assert "90 days" in notice
    assert [label for label, _ in calls[-1].buttons] == ["I agree", "No thanks"]
    assert member_rows(bot) == [], "nothing may be stored before consent"

    calls = await bot.press_label(MEMBER, calls, "I agree")
    assert "You're now part of <b>North peer team</b>" in texts(calls)
    assert member_rows(bot) == [(MEMBER, "north", "member")]
    stored = await bot.repo.get_member(MEMBER)
    assert stored is not None
    assert stored.timezone == "Europe/London"
    assert stored.consented_at == int(bot.clock.now.timestamp())
    menus = [c for c in calls if c.method == "setMyCommands"]
    assert menus
    assert menus[-1].params["scope"] == {"type": "chat", "chat_id": MEMBER}
    assert "settings" in [c["command"] for c in menus[-1].params["commands"]]


async def test_no_thanks_stores_nothing_and_leaves_the_invite_unused(bot: Harness) -> None:
    code = await bot.new_invite_code(args="7 1")
    calls = await bot.send(MEMBER, f"/start {code}")
    calls = await bot.press_label(MEMBER, calls, "No thanks")
    assert "I haven't saved anything about you" in texts(calls)
    assert member_rows(bot) == []
    assert bot.db_rows("SELECT uses_left FROM invites") == [(1,)]


@pytest.mark.parametrize("kind", ["sticker", "photo", "long", "plain"])
async def test_anything_but_a_button_at_consent_gets_a_gentle_reask(
    bot: Harness, kind: str
) -> None:
    code = await bot.new_invite_code()
    await bot.send(MEMBER, f"/start {code}")
    if kind == "sticker":
        calls = await bot.feed(bot.updates.sticker(MEMBER))
    elif kind == "photo":
        calls = await bot.feed(bot.updates.photo(MEMBER))
    elif kind == "long":
        calls = await bot.send(MEMBER, "I " + "really " * 714 + "wonder")  # ~5,000 chars
    else:
        calls = await bot.send(MEMBER, "yes")
    assert "Please choose one of the buttons" in texts(calls)
    assert [label for label, _ in calls[-1].buttons] == ["I agree", "No thanks"]
    assert member_rows(bot) == []
    # and the buttons offered still work
    await bot.press_label(MEMBER, calls, "I agree")
    assert member_rows(bot) == [(MEMBER, "north", "member")]


async def test_consent_button_pressed_twice_joins_once(bot: Harness) -> None:
    code = await bot.new_invite_code(args="7 5")
    notice = await bot.send(MEMBER, f"/start {code}")
    await bot.press_label(MEMBER, notice, "I agree")
    again = await bot.press_label(MEMBER, notice, "I agree")
    answers = [c for c in again if c.method == "answerCallbackQuery"]
    assert answers[0].params["text"] == "You're already set up."
    assert [c for c in again if c.method in ("sendMessage", "editMessageText")] == []
    assert member_rows(bot) == [(MEMBER, "north", "member")]
    assert bot.db_rows("SELECT uses_left FROM invites") == [(4,)]


async def test_an_older_notice_stops_working_when_a_new_one_is_shown(bot: Harness) -> None:
    code = await bot.new_invite_code()
    first = await bot.send(MEMBER, f"/start {code}")
    await bot.send(MEMBER, f"/start {code}")
    calls = await bot.press_label(MEMBER, first, "I agree")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "expired" in answer.params["text"]
    assert member_rows(bot) == []


async def test_restart_between_notice_and_agree_stores_nothing(make_harness: Any) -> None:
    async with make_harness() as bot:
        code = await bot.new_invite_code()
        notice = await bot.send(MEMBER, f"/start {code}")
    async with make_harness() as bot:
        calls = await bot.press_label(MEMBER, notice, "I agree")
        answer = next(c for c in calls if c.method == "answerCallbackQuery")
        assert "open your invite link again" in answer.params["text"]
        assert member_rows(bot) == []
        # opening the link again works, as the answer says
        calls = await bot.send(MEMBER, f"/start {code}")
        await bot.press_label(MEMBER, calls, "I agree")
        assert member_rows(bot) == [(MEMBER, "north", "member")]


async def test_invite_revoked_between_notice_and_agree(bot: Harness) -> None:
    code = await bot.new_invite_code()
    notice = await bot.send(MEMBER, f"/start {code}")
    await bot.send(COORDINATOR, "/revoke 1")
    calls = await bot.press_label(MEMBER, notice, "I agree")
    assert "doesn't work any more" in texts(calls)
    assert member_rows(bot) == []


async def test_coordinator_needs_no_invite(bot: Harness) -> None:
    calls = await bot.send(COORDINATOR, "/start")
    assert "listed as a coordinator for <b>North peer team</b>" in texts(calls)
    assert member_rows(bot) == []
    calls = await bot.press_label(COORDINATOR, calls, "I agree")
    assert "/invite" in texts(calls)
    assert member_rows(bot) == [(COORDINATOR, "north", Role.COORDINATOR.value)]


async def test_member_start_again_is_welcomed_back(bot: Harness) -> None:
    await bot.join(MEMBER)
    calls = await bot.send(MEMBER, "/start")
    assert "Welcome back" in texts(calls)
    code = await bot.new_invite_code()
    calls = await bot.send(MEMBER, f"/start {code}")
    assert "Welcome back" in texts(calls)
    assert bot.db_rows("SELECT uses_left FROM invites WHERE id = 2") == [(20,)]


async def test_german_telegram_gets_the_german_notice_and_keeps_german(bot: Harness) -> None:
    code = await bot.new_invite_code()
    calls = await bot.send(MEMBER, f"/start {code}", language_code="de")
    assert "Bevor wir anfangen" in texts(calls)
    calls = await bot.press_label(MEMBER, calls, "Einverstanden")
    assert "Du bist jetzt hier Teil von" in texts(calls)
    calls = await bot.send(MEMBER, "/help", language_code="en")
    assert "Was du tun kannst" in texts(calls)


async def test_edited_messages_are_ignored(bot: Harness) -> None:
    calls = await bot.feed(bot.updates.message(STRANGER, "/start", edited=True))
    assert calls == []


async def test_group_commands_get_silence(bot: Harness) -> None:
    calls = await bot.send(STRANGER, "/start", chat_id=-100123)
    calls += await bot.send(COORDINATOR, "/invite", chat_id=-100123)
    assert calls == []
    assert bot.db_rows("SELECT COUNT(*) FROM invites") == [(0,)]


async def test_another_teams_invite_says_where_you_are_and_moves_nothing(bot: Harness) -> None:
    from tests.conftest import SECOND_COORDINATOR

    await bot.join(MEMBER)
    code = await bot.new_invite_code(SECOND_COORDINATOR)
    calls = await bot.send(MEMBER, f"/start {code}")
    assert "already part of <b>North peer team</b>" in texts(calls)
    assert "This link is for <b>South peer team</b>" in texts(calls)
    assert member_rows(bot) == [(MEMBER, "north", "member")]
    assert bot.db_rows("SELECT uses_left FROM invites WHERE team_id = 'south'") == [(20,)]
