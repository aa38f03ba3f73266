"""The team's group chat, against the real bot process: linking it, scheduling group supervision
with the guided buttons, the reminder with *Going* / *Can't make it*, and people answering.

Each test starts `peer-reflect run` against telegram-test-api (through the shim) and acts as
people in a supergroup (and, to join the team, in private chats). See tests/e2e/README.md.

Getting a reminder out quickly. The bot's periodic job runs 2 s after start and then every
60 s, and a session starts at a whole minute. So the config lists four reminder offsets 15 s
apart (between 2 and 3 minutes): whatever second it is, some session a few minutes ahead has a
reminder falling due within 15 s, and the offsets' seconds are chosen so that, on a machine as
quick as expected, one falls due about 3 s after the test picks its session. The test schedules
that session, reads the reminder time from the database, stops the bot, and starts it again
(same config, same database) no earlier than 1.5 s before that time: the new process's first
run of the job, at least 2 s after it starts, finds the reminder due (a few seconds late, well
within `grace_minutes`). So the test waits for a restart and at most about 15 s of clock, never
for the 60 s job interval, and checks on the way that a restart loses nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .harness import (
    COORDINATOR_ID,
    TEAM_ID,
    TEAM_NAME,
    BotMessage,
    BotProcess,
    Group,
    Person,
    join,
    plain,
    wait_until,
)
from .shim import ApiCall, BotApiShim

pytestmark = pytest.mark.e2e

TEAM_ZONE = ZoneInfo("Europe/London")  # the e2e config's team timezone
GROUP_ID = -1005550020001
OTHER_GROUP_ID = -1005550020002
ADA_ID = 5550021
BEN_ID = 5550022
MEMBER_ID = 5550023

PLACE = "Room 2, Harbour House"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # labels.j2 `weekdays`
WEEKDAYS_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
GOING, NOT_GOING = "Going", "Can't make it"

SHORTEST_OFFSET = 120.0  # seconds: the shortest reminder offset (about), leaving time to answer
SPACING = 15.0  # seconds between the four offsets: 4 x 15 s cover a minute
LEAD = 4.5  # seconds from writing the config to the reminder we aim at, on a quick machine
MARGIN = 3.0  # seconds the bot may take from the session being picked to it being saved
RESTART_EARLY = 1.5  # start the new process this long before the reminder is due (job: +2 s)
REMINDER_WAIT = 30.0  # a restart, plus the first run of the job 2 s after start


def reminder_offsets(aim: float) -> list[float]:
    """Four offsets in seconds, SPACING apart from about SHORTEST_OFFSET up, such that for a
    session at any whole minute each reminder falls at `aim` plus a whole number of SPACINGs."""
    shift = -aim % SPACING  # minutes are whole multiples of SPACING, so only this part matters
    return [SHORTEST_OFFSET + shift + SPACING * i for i in range(4)]


def supervision_config(offsets: list[float]) -> str:
    hours = ", ".join(repr(seconds / 3600) for seconds in offsets)
    return f"[supervision]\nreminder_offsets_hours = [{hours}]\ngrace_minutes = 30\n"


def pick_session(offsets: list[float], after: float) -> datetime:
    """The session (a whole minute) that has the first reminder due after `after`. Each
    session's four reminders fill the minute up to the next session's first, so exactly one
    session has it."""
    first_minute = datetime.fromtimestamp(after, UTC).replace(second=0, microsecond=0)
    sessions = [first_minute + timedelta(minutes=m) for m in range(1, 8)]
    _, session = min(
        (s.timestamp() - x, s) for s in sessions for x in offsets if s.timestamp() - x > after
    )
    return session


def shown_when(session: datetime) -> str:
    """How the bot writes a session's time: 'Tue 14 Jan 2025, 14:00'."""
    local = session.astimezone(TEAM_ZONE)
    day = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{WEEKDAYS[local.weekday()]} {day}, {local:%H:%M}"


def calls_since(shim: BotApiShim, since: int, method: str, chat_id: int) -> list[ApiCall]:
    """The bot's calls of `method` for one chat, from the `since`-th recorded call on."""
    return [c for c in shim.calls()[since:] if c.method == method and c.chat_id == chat_id]


def edited(person: Person, message: BotMessage, text: str) -> BotMessage:
    """Wait for the bot to edit `message` to show `text`; the message as it now looks."""
    return message.after(person.wait_for_edit(message, text))


def test_coordinator_links_schedules_and_members_answer_the_reminder(
    start_bot: Callable[..., BotProcess],
    shim: BotApiShim,
    coordinator: Person,
    person: Callable[..., Person],
    group: Callable[..., Group],
) -> None:
    since = len(shim.calls())
    offsets = reminder_offsets(time.time() + LEAD)
    first_bot = start_bot(extra_config=supervision_config(offsets))
    team_group = group(GROUP_ID, "North East reflection")
    shim.set_member_status(GROUP_ID, COORDINATOR_ID, "administrator")
    cora = coordinator.in_group(team_group)
    ada = person(ADA_ID, "Ada").in_group(team_group)
    ben = person(BEN_ID, "Ben").in_group(team_group)

    # Linking: Telegram is asked, at the time, whether the coordinator is an admin here.
    cora.command("/link")
    cora.wait_for(f"This group is now {TEAM_NAME}'s reflection channel")
    asked = calls_since(shim, since, "getChatMember", GROUP_ID)
    assert [int(c.params["user_id"]) for c in asked] == [COORDINATOR_ID]
    assert first_bot.db_rows("SELECT chat_id, team_id, active FROM groups") == [
        (GROUP_ID, TEAM_ID, 1)
    ]

    # Scheduling with the buttons: weekly, the session's weekday, a typed time, a typed place.
    cora.command("/schedule")
    draft = cora.wait_for("How often do you meet?")
    assert draft.labels == ["Weekly", "Fortnightly", "Monthly"]
    cora.press(draft, "Weekly")
    draft = edited(cora, draft, "On which day?")
    assert draft.labels == list(WEEKDAYS)

    picked_at = time.time()
    session = pick_session(offsets, picked_at + MARGIN)
    local = session.astimezone(TEAM_ZONE)
    if local.fold or local.replace(fold=1).utcoffset() != local.utcoffset():
        pytest.skip("the session would fall in the hour the clocks go back: ambiguous")
    cora.press(draft, WEEKDAYS[local.weekday()])
    draft = edited(cora, draft, "At what time?")
    assert "Other time" in draft.labels
    cora.press(draft, "Other time")
    draft = edited(cora, draft, "Reply to this message with the time")
    cora.say(f"{local:%H:%M}", reply_to=draft)
    where = cora.wait_for("Where? Reply to this message")
    assert where.labels == ["No place"]
    cora.say(PLACE, reply_to=where)
    check = cora.wait_for("Please check:")
    series = f"Every {WEEKDAYS_LONG[local.weekday()]} at {local:%H:%M} (Europe/London), {PLACE}"
    assert series in check.plain
    assert f"First session: {shown_when(session)}" in check.plain
    assert check.labels == ["Save", "Start again"]
    cora.press(check, "Save")
    saved = edited(cora, check, "Scheduled:")
    assert series in saved.plain
    assert f"First session: {shown_when(session)}" in saved.plain
    assert not saved.buttons
    saved_by = time.time()

    rows = first_bot.db_rows(
        "SELECT team_id, frequency, weekday, minute, place, next_session_at, next_reminder_at "
        "FROM supervision_series"
    )
    assert len(rows) == 1, rows
    team_id, frequency, weekday, minute, place, session_at, due_at = rows[0]
    assert (team_id, frequency, weekday, minute, place) == (
        TEAM_ID,
        "weekly",
        local.weekday(),
        local.hour * 60 + local.minute,
        PLACE,
    )
    assert session_at == int(session.timestamp()), (
        f"the bot took {saved_by - picked_at:.1f} s to save; more than MARGIN ({MARGIN:g} s) "
        "and the session picked has no reminder left"
    )
    # One of the session's reminders, the one aimed at unless the bot was slow to save.
    assert any(abs(session_at - x - due_at) <= 1 for x in offsets), (due_at, offsets)
    assert due_at >= int(picked_at), (due_at, picked_at)

    # A restart: the new process's first run of the job finds the reminder due.
    assert first_bot.stop() == 0, first_bot.log()
    restart_at = due_at - RESTART_EARLY
    wait_until(
        lambda: time.time() >= restart_at,
        lambda: f"the clock to reach {restart_at} (now {time.time():.1f})",
        timeout=max(0.0, restart_at - time.time()) + 5,
    )
    second_bot = start_bot(after=first_bot)
    reminder = ada.wait_for("Group supervision soon", timeout=REMINDER_WAIT)
    assert reminder.chat_id == GROUP_ID
    assert f"Group supervision soon: {shown_when(session)}" in reminder.plain
    assert PLACE in reminder.plain
    assert "Going: 0 · Can't make it: 0" in reminder.plain
    assert reminder.labels == [GOING, NOT_GOING]

    # Two people answer; the counts change in place, and never show who.
    ada.press(reminder, GOING)
    ada.wait_for_answer("Noted: going")
    reminder = edited(ada, reminder, "Going: 1 · Can't make it: 0")
    assert reminder.labels == [GOING, NOT_GOING]
    ben.press(reminder, NOT_GOING)
    ben.wait_for_answer("Noted: can't make it")
    reminder = edited(ben, reminder, "Going: 1 · Can't make it: 1")
    # Ada changes her mind: her answer is replaced, not added.
    ada.press(reminder, NOT_GOING)
    ada.wait_for_answer("Noted: can't make it")
    reminder = edited(ada, reminder, "Going: 0 · Can't make it: 2")
    assert reminder.labels == [GOING, NOT_GOING]

    reminders = [
        c
        for c in calls_since(shim, since, "sendMessage", GROUP_ID)
        if "Going:" in plain(str(c.params.get("text", "")))
    ]
    assert len(reminders) == 1, [c.params.get("text") for c in reminders]
    for call in calls_since(shim, since, "editMessageText", GROUP_ID):
        text = plain(str(call.params.get("text", "")))
        assert "Ada" not in text
        assert "Ben" not in text
    # Kept as one-way codes per person and session: counts can change, no one can be named.
    votes = second_bot.db_rows("SELECT series_id, session_at, voter, going FROM rsvps")
    assert sorted((r[1], r[3]) for r in votes) == [(session_at, 0), (session_at, 0)]
    for _, _, voter, _ in votes:
        assert str(ADA_ID) not in voter
        assert str(BEN_ID) not in voter


def test_only_a_coordinator_who_is_a_group_admin_can_link(
    running_bot: BotProcess,
    shim: BotApiShim,
    coordinator: Person,
    person: Callable[..., Person],
    group: Callable[..., Group],
) -> None:
    since = len(shim.calls())
    member = person(MEMBER_ID, "Mo")
    join(coordinator, member)
    other_group = group(OTHER_GROUP_ID, "Staff room")
    # The member is even an admin of the group; the coordinator is not.
    shim.set_member_status(OTHER_GROUP_ID, MEMBER_ID, "administrator")
    in_group = member.in_group(other_group)

    in_group.command("/link")
    refusal = in_group.wait_for("Only a team coordinator can do that.")
    assert not refusal.buttons
    assert refusal.chat_id == OTHER_GROUP_ID

    cora = coordinator.in_group(other_group)
    cora.command("/link")
    cora.wait_for("Only a coordinator who is also an admin of this group can do that.")

    asked = calls_since(shim, since, "getChatMember", OTHER_GROUP_ID)
    assert [int(c.params["user_id"]) for c in asked] == [COORDINATOR_ID]
    assert running_bot.db_rows("SELECT COUNT(*) FROM groups") == [(0,)]
    assert running_bot.member_rows(MEMBER_ID) == [(MEMBER_ID, TEAM_ID, "member")]
