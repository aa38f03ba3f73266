"""Help, cancel, the catch-alls, the command menu, and faults: never a traceback to a person."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from bot import jobs
from bot.context import BotContext
from storage import Repository
from tests.conftest import COORDINATOR, MEMBER, SECOND_COORDINATOR, STRANGER, Harness, texts


async def test_help_fits_the_role(bot: Harness) -> None:
    stranger = texts(await bot.send(STRANGER, "/help"))
    await bot.join(MEMBER)
    member = texts(await bot.send(MEMBER, "/help"))
    coordinator = texts(await bot.send(COORDINATOR, "/help"))
    assert "ask your coordinator for an invite link" in stranger
    assert "/mydata" in member
    assert "/invite" not in member
    assert "/invite" in coordinator
    assert "/invites" in coordinator


async def test_cancel_always_answers(bot: Harness) -> None:
    assert "nothing in progress" in texts(await bot.send(STRANGER, "/cancel"))
    code = await bot.new_invite_code()
    notice = await bot.send(MEMBER, f"/start {code}")
    assert "Stopped" in texts(await bot.send(MEMBER, "/cancel"))
    calls = await bot.press_label(MEMBER, notice, "I agree")
    assert "expired" in calls[0].params["text"]
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(0,)]


async def test_unknown_command_and_stray_text(bot: Harness) -> None:
    await bot.join(MEMBER)
    assert "I don't know that command" in texts(await bot.send(MEMBER, "/frobnicate"))
    assert "I don't keep messages like this one" in texts(await bot.send(MEMBER, "x" * 5000))
    assert "not sure what to do" in texts(await bot.feed(bot.updates.sticker(MEMBER)))
    assert "ask your coordinator" in texts(await bot.send(STRANGER, "hello"))


@pytest.mark.parametrize(
    "data",
    [
        "x" * 64,
        "consent:yes",
        "consent:maybe:abc",
        "inv:rv:abc",
        "set:lg:../../x",
        "💥",
        "",
    ],
)
async def test_forged_buttons_get_a_short_answer_and_change_nothing(
    bot: Harness, data: str
) -> None:
    await bot.join(MEMBER)
    before = bot.db_rows("SELECT * FROM members")
    calls = await bot.press(MEMBER, data)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == "This button no longer works."
    assert bot.db_rows("SELECT * FROM members") == before


async def test_default_menus_are_set_per_language_at_start(bot: Harness) -> None:
    menus = [c for c in bot.api.calls if c.method == "setMyCommands"]
    defaults = [m for m in menus if m.params["scope"]["type"] == "default"]
    assert [m.params.get("language_code") for m in defaults] == [None, "de"]
    assert [c["command"] for c in defaults[0].params["commands"]] == ["start", "help"]


async def test_coordinators_get_their_menu_at_start_in_their_teams_language(
    bot: Harness,
) -> None:
    chats = {
        m.params["scope"]["chat_id"]: m.params["commands"]
        for m in bot.api.calls
        if m.method == "setMyCommands" and m.params["scope"]["type"] == "chat"
    }
    assert set(chats) == {COORDINATOR, SECOND_COORDINATOR}
    assert {"command": "invite", "description": "Make an invite link"} in chats[COORDINATOR]
    assert {"command": "invite", "description": "Einladungslink erstellen"} in (
        chats[SECOND_COORDINATOR]
    )


async def test_a_server_without_set_my_commands_does_not_stop_the_bot(
    make_harness: Any,
) -> None:
    async with make_harness() as bot:
        bot.api.fail("setMyCommands", None, 404, "Not Found: method not supported", times=99)
        code = await bot.new_invite_code()
        calls = await bot.send(MEMBER, f"/start {code}")
        calls = await bot.press_label(MEMBER, calls, "I agree")
        assert "You're now part of" in texts(calls)


async def test_locked_database_gets_a_plain_reply_and_nothing_half_written(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = await bot.new_invite_code()
    notice = await bot.send(MEMBER, f"/start {code}")

    async def locked(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Repository, "join_with_invite", locked)
    calls = await bot.press_label(MEMBER, notice, "I agree")
    assert "couldn't save that just now" in texts(calls)
    assert "Traceback" not in texts(calls)
    assert bot.take_errors() == ["error while handling a callback_query"]
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(0,)]
    assert bot.db_rows("SELECT uses_left FROM invites") == [(20,)]


async def test_unexpected_fault_gets_a_kind_generic_reply(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("bug")

    monkeypatch.setattr(Repository, "export_member", broken)
    await bot.join(MEMBER)
    calls = await bot.send(MEMBER, "/export")
    assert "something went wrong on my side" in texts(calls)
    assert bot.take_errors() == ["error while handling a message"]


async def test_blocked_bot_is_survived(bot: Harness) -> None:
    bot.api.fail("sendMessage", STRANGER, 403, "Forbidden: bot was blocked by the user")
    assert await bot.send(STRANGER, "/help") == []
    assert bot.take_errors() == []
    assert "This bot is" in texts(await bot.send(STRANGER, "/help"))


async def test_activity_keeps_a_member_from_the_inactivity_purge(bot: Harness) -> None:
    await bot.join(MEMBER)
    await bot.join(MEMBER + 1)
    bot.clock.advance(days=60)
    await bot.send(MEMBER, "/help")
    bot.clock.advance(days=31)
    await jobs.purge(BotContext(bot.app))
    assert bot.db_rows("SELECT user_id FROM members") == [(MEMBER,)]


async def test_purge_job_is_scheduled_once_even_if_scheduled_again(bot: Harness) -> None:
    jobs.schedule(bot.app)
    queue = bot.app.job_queue
    assert queue is not None
    names = [j.name for j in queue.jobs() if not j.removed]
    assert names.count(jobs.PURGE_JOB) == 2  # the daily run and the one soon after start


async def test_a_coordinator_who_has_not_started_is_told_to_start(bot: Harness) -> None:
    for command in ("/checkin", "/trend", "/nudge", "/settings", "/share"):
        text = texts(await bot.send(COORDINATOR, command))
        assert "send /start once to set yourself up" in text, command
        assert "ask your coordinator" not in text, command
