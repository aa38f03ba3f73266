"""Coordinators making, listing and revoking invite links; members kept out of it."""

from __future__ import annotations

import re

import pytest

from storage.invite_codes import hash_code
from tests.conftest import COORDINATOR, MEMBER, SECOND_COORDINATOR, STRANGER, Harness, texts


async def test_invite_with_defaults(bot: Harness) -> None:
    calls = await bot.send(COORDINATOR, "/invite")
    text = texts(calls)
    link = re.search(r"https://t\.me/peer_reflect_bot\?start=([A-Za-z0-9_-]{1,64})", text)
    assert link, text
    assert "works until 7 Dec 2026, 18:30" in text  # 14 days, shown in the team's zone
    assert "up to 20 people" in text
    rows = bot.db_rows("SELECT code_hash, team_id, uses_left FROM invites")
    assert rows == [(hash_code(link.group(1)), "north", 20)]


async def test_the_code_itself_is_never_stored(bot: Harness) -> None:
    code = await bot.new_invite_code()
    await bot.repo.connection.execute("PRAGMA wal_checkpoint(FULL)")
    for path in bot.config.database.parent.glob("bot.sqlite3*"):
        assert code.encode() not in path.read_bytes()


@pytest.mark.parametrize(
    ("args", "until", "people"),
    [
        ("7 5", "30 Nov 2026", "5 people"),
        ("days=3 uses=1", "26 Nov 2026", "1 person"),
        ("2d", "25 Nov 2026", "20 people"),
    ],
)
async def test_invite_days_and_uses_can_be_set(
    bot: Harness, args: str, until: str, people: str
) -> None:
    text = texts(await bot.send(COORDINATOR, f"/invite {args}"))
    assert f"works until {until}" in text
    assert f"up to {people}" in text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("0", "from 1 to 90 days"),
        ("91", "from 1 to 90 days"),
        ("7 0", "from 1 to 500 times"),
        ("seven", "I didn't understand that"),
        ("1 2 3", "I didn't understand that"),
        ("colour=red", "I didn't understand that"),
        ("³", "I didn't understand that"),
        ("7 ²", "I didn't understand that"),
        ("٣", "I didn't understand that"),
        ("team=south", "You don't coordinate a team with that id"),
    ],
)
async def test_bad_invite_arguments_explain_the_usage(bot: Harness, args: str, says: str) -> None:
    text = texts(await bot.send(COORDINATOR, f"/invite {args}"))
    assert says in text
    assert "/invite [days] [uses]" in text
    assert bot.db_rows("SELECT COUNT(*) FROM invites") == [(0,)]


async def test_members_and_strangers_cannot_make_invites(bot: Harness) -> None:
    await bot.join(MEMBER)
    for person in (MEMBER, STRANGER):
        for command in ("/invite", "/invites", "/revoke 1"):
            assert "only a team coordinator can do" in texts(await bot.send(person, command))
    assert bot.db_rows("SELECT COUNT(*) FROM invites") == [(1,)]  # the one MEMBER joined with


async def test_invites_lists_open_links_and_a_button_revokes(bot: Harness) -> None:
    code = await bot.new_invite_code(args="7 5")
    await bot.new_invite_code(args="3 2")
    calls = await bot.send(COORDINATOR, "/invites")
    text = texts(calls)
    assert "#1 · North peer team · until 30 Nov 2026, 18:30 · 5 uses left" in text
    assert "#2 · North peer team · until 26 Nov 2026, 18:30 · 2 uses left" in text
    assert [label for label, _ in calls[-1].buttons] == ["Revoke #2", "Revoke #1"]

    calls = await bot.press_label(COORDINATOR, calls, "Revoke #1")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "Invite #1 revoked."
    edited = next(c for c in calls if c.method == "editMessageText")
    assert "#1 ·" not in edited.text
    assert "#2 ·" in edited.text
    assert "doesn't work any more" in texts(await bot.send(MEMBER, f"/start {code}"))


async def test_revoke_button_pressed_twice(bot: Harness) -> None:
    await bot.new_invite_code()
    listing = await bot.send(COORDINATOR, "/invites")
    await bot.press_label(COORDINATOR, listing, "Revoke #1")
    calls = await bot.press_label(COORDINATOR, listing, "Revoke #1")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "Invite #1 was already closed."


async def test_a_coordinator_cannot_revoke_another_teams_invite(bot: Harness) -> None:
    code = await bot.new_invite_code(SECOND_COORDINATOR)
    text = texts(await bot.send(COORDINATOR, "/revoke 1"))
    assert "can't find an open invite link #1" in text
    forged = await bot.press(COORDINATOR, "inv:rv:1")
    assert next(c for c in forged if c.method == "answerCallbackQuery").params["text"] == (
        "Invite #1 was already closed."
    )
    still_open = texts(await bot.send(MEMBER, f"/start {code}"))
    assert "You've been invited to join <b>South peer team</b>" in still_open


async def test_member_pressing_a_forged_revoke_button_is_refused(bot: Harness) -> None:
    await bot.new_invite_code()
    await bot.join(MEMBER)
    calls = await bot.press(MEMBER, "inv:rv:1")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert answer.params["text"] == "Only a team coordinator can do that."
    assert bot.db_rows("SELECT COUNT(*) FROM invites WHERE id = 1") == [(1,)]


async def test_no_open_invites(bot: Harness) -> None:
    assert "no open invite links" in texts(await bot.send(COORDINATOR, "/invites"))
    assert "For example <code>/revoke 3</code>" in texts(await bot.send(COORDINATOR, "/revoke x"))
    assert "For example <code>/revoke 3</code>" in texts(await bot.send(COORDINATOR, "/revoke ³"))
