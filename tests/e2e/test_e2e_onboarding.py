"""Getting in, seeing, taking and erasing one's data, against the real bot process.

Each test starts `peer-reflect run` against telegram-test-api (through the shim) and acts as
people in private chats. See tests/e2e/README.md for how the pieces fit.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from .harness import TEAM_ID, TEAM_NAME, TOKEN, BotProcess, Person, join, new_invite
from .shim import BotApiShim

pytestmark = pytest.mark.e2e

MEMBER_ID = 5550002
EXPORTER_ID = 5550003
STRANGER_ID = 5550004
LOGGED_ID = 5550005
NOTHING_HELD = "I don't hold any data about you."


def test_invite_consent_mydata_forget(
    running_bot: BotProcess, coordinator: Person, person: Callable[..., Person]
) -> None:
    member = person(MEMBER_ID, "Mina")

    coordinator.command("/invite")
    link = coordinator.wait_for("https://t.me/TestNameBot?start=")
    code = link.plain.split("?start=", 1)[1].split()[0]
    assert len(code) >= 16, link.plain

    member.command(f"/start {code}")
    notice = member.wait_for("Before we start")
    assert f"You've been invited to join {TEAM_NAME}" in notice.plain
    assert [label for label, _ in notice.buttons] == ["I agree", "No thanks"]
    assert running_bot.member_rows(MEMBER_ID) == [], "stored before the person agreed"

    member.press(notice, "I agree")
    member.wait_for_edit(notice, f"You're now part of {TEAM_NAME}")
    assert running_bot.member_rows(MEMBER_ID) == [(MEMBER_ID, TEAM_ID, "member")]

    member.command("/mydata")
    mydata = member.wait_for("What I hold about you")
    assert f"Team: {TEAM_NAME}" in mydata.plain
    assert f"Telegram user id: {MEMBER_ID}" in mydata.plain
    assert "Role: team member" in mydata.plain
    assert "Mina" not in mydata.plain

    member.command("/forget")
    confirm = member.wait_for("Erase everything I hold about you?")
    member.press(confirm, "Yes, erase everything")
    member.wait_for_edit(confirm, "Everything I held about you has been erased")

    member.command("/mydata")
    member.wait_for(NOTHING_HELD)

    assert running_bot.member_rows(MEMBER_ID) == []
    # The table is there (the empty answer is not a wrong table name), and the invite is used.
    assert running_bot.db_rows("SELECT uses_left FROM invites") == [(19,)]


def test_export_sends_a_json_file(
    running_bot: BotProcess, coordinator: Person, person: Callable[..., Person]
) -> None:
    member = person(EXPORTER_ID, "Eli")
    join(coordinator, member)

    member.command("/export")
    sent = member.wait_for_file()

    assert sent.method == "sendDocument"
    assert sent.filename == "peer-reflect-my-data.json"
    assert "Everything I hold about you" in sent.caption
    data = json.loads(sent.content.decode("utf-8"))
    assert data["member"]["telegram_user_id"] == EXPORTER_ID
    assert data["member"]["team"] == TEAM_ID
    assert str(EXPORTER_ID) in sent.content.decode("utf-8")
    assert "Eli" not in sent.content.decode("utf-8")


def test_stranger_is_pointed_to_their_coordinator(
    running_bot: BotProcess, person: Callable[..., Person]
) -> None:
    stranger = person(STRANGER_ID, "Sam")

    stranger.command("/start")
    reply = stranger.wait_for("ask your coordinator for an invite link")
    assert not reply.buttons

    stranger.command("/start NotARealInviteCode123")
    stranger.wait_for("That invite link doesn't work any more")

    stranger.command("/mydata")
    stranger.wait_for(NOTHING_HELD)
    assert running_bot.member_rows(STRANGER_ID) == []
    assert running_bot.db_rows("SELECT COUNT(*) FROM members") == [(0,)]


def test_debug_log_holds_no_token_and_no_words(
    start_bot: Callable[..., BotProcess],
    shim: BotApiShim,
    coordinator: Person,
    person: Callable[..., Person],
) -> None:
    bot = start_bot("DEBUG")
    first_name = "Quentavius"
    words = "my very private words 7f3a"
    member = person(LOGGED_ID, first_name)

    code = new_invite(coordinator)
    member.command(f"/start {code}")
    notice = member.wait_for("Before we start")
    member.say(words)  # while the notice waits: a pointer back to its buttons
    member.wait_for("Please choose one of the buttons")
    member.press(notice, "I agree")
    member.wait_for_edit(notice, "You're now part of")
    member.say(words)
    member.wait_for("Thank you for writing. I don't keep messages like this one")
    member.command("/mydata")
    member.wait_for("What I hold about you")
    member.command("/export")
    member.wait_for_file()
    member.command("/forget")
    confirm = member.wait_for("Erase everything")
    member.press(confirm, "Yes, erase everything")
    member.wait_for_edit(confirm, "has been erased")

    assert bot.stop() == 0, bot.log()
    log = bot.log()
    secret = TOKEN.split(":", 1)[1]
    assert log.strip(), "the DEBUG log is empty: is logging set up at all?"
    assert " DEBUG " in log or " INFO " in log, log
    assert TOKEN not in log
    assert secret not in log
    assert words not in log
    assert "private words" not in log
    assert first_name not in log
    assert code not in log, "the invite code (a secret that lets people in) is in the log"
    # The bot did reach the Bot API with the token: the redaction had something to hide.
    assert shim.polls(TOKEN) > 0
