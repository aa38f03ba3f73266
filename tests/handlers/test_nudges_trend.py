"""After-shift nudges (set, sent on time, survive restarts, never twice), /trend, and the
person's data covering everything the check-in stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.context import BotContext
from handlers import tick
from handlers.nudges import send_due_nudges
from tests.conftest import MEMBER, Harness, texts
from tests.handlers.test_checkin import Walk

NUDGE = "How was your shift?"


@pytest.fixture
async def member(bot: Harness) -> Harness:
    await bot.join(MEMBER)
    return bot


def nudges(bot: Harness) -> list[tuple[Any, ...]]:
    return bot.db_rows("SELECT user_id, weekdays, minute, next_due_at FROM nudges")


def ts(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


async def run_due(bot: Harness) -> list[str]:
    bot.api.clear()
    await send_due_nudges(BotContext(bot.app))
    return [c.text for c in bot.api.sent(MEMBER)]


async def test_nudge_panel_sets_days_and_time(member: Harness) -> None:
    calls = await member.send(MEMBER, "/nudge")
    assert "After-shift nudges" in texts(calls)
    assert "Days: none yet" in texts(calls)
    calls = await member.press_label(MEMBER, calls, "Tue")
    assert "Days: Tue" in texts(calls)
    calls = await member.press_label(MEMBER, calls, "Thu")
    calls = await member.press_label(MEMBER, calls, "18:00")
    assert "✓ Tue" in [label for label, _ in calls[-1].buttons]
    calls = await member.press_label(MEMBER, calls, "Save")
    text = texts(calls)
    assert "I'll nudge you on Tue, Thu at 18:00 (Europe/London)" in text
    assert "The next one is on Tue 24 Nov 2026, 18:00" in text
    assert nudges(member) == [(MEMBER, 0b1010, 18 * 60, ts(2026, 11, 24, 18))]


async def test_save_needs_a_day_and_a_time(member: Harness) -> None:
    calls = await member.send(MEMBER, "/nudge")
    answer = await member.press_label(MEMBER, calls, "Save")
    assert answer[0].params["text"] == "Please pick at least one day and a time first."
    assert nudges(member) == []


async def test_other_time_is_typed(member: Harness) -> None:
    calls = await member.send(MEMBER, "/nudge")
    calls = await member.press_label(MEMBER, calls, "Mon")
    calls = await member.press_label(MEMBER, calls, "Other time")
    assert "Send it like" in texts(calls)
    assert "didn't understand that time" in texts(await member.send(MEMBER, "half five"))
    calls = await member.send(MEMBER, "17:45")
    assert "Time: 17:45" in texts(calls)
    await member.press_label(MEMBER, calls, "Save")
    assert nudges(member)[0][1:3] == (1, 17 * 60 + 45)


@pytest.mark.parametrize(
    ("line", "weekdays", "minute"),
    [
        ("mon,wed,fri 17:30", 0b10101, 1050),
        ("weekdays 18:00", 0b11111, 1080),
        ("daily 21:00", 0b1111111, 1260),
        ("mo,mi 7.30", 0b101, 450),
    ],
)
async def test_one_line_forms(member: Harness, line: str, weekdays: int, minute: int) -> None:
    assert "Saved." in texts(await member.send(MEMBER, f"/nudge {line}"))
    assert nudges(member)[0][1:3] == (weekdays, minute)


@pytest.mark.parametrize("line", ["funday 17:30", "mon", "mon 25:00", "whenever"])
async def test_bad_one_liners_explain(member: Harness, line: str) -> None:
    assert "/nudge mon,wed,fri 17:30" in texts(await member.send(MEMBER, f"/nudge {line}"))
    assert nudges(member) == []


async def test_turning_nudges_off(member: Harness) -> None:
    assert "already off" in texts(await member.send(MEMBER, "/nudge off"))
    await member.send(MEMBER, "/nudge daily 21:00")
    assert "Nudges are off" in texts(await member.send(MEMBER, "/nudge off"))
    assert nudges(member) == []


async def test_stale_panel_button(member: Harness) -> None:
    old = await member.send(MEMBER, "/nudge")
    await member.send(MEMBER, "/nudge")
    answer = await member.press_label(MEMBER, old, "Mon")
    assert answer[0].params["text"] == "This screen has expired. /nudge opens it again."


async def test_nudge_is_sent_at_its_time_once(member: Harness) -> None:
    await member.send(MEMBER, "/nudge mon 18:45")  # clock: Mon 23 Nov 18:30 UTC
    assert await run_due(member) == []
    member.clock.advance(minutes=15)
    sent = await run_due(member)
    assert len(sent) == 1
    assert NUDGE in sent[0]
    assert member.api.sent(MEMBER)[0].buttons == [("Check in", "ci:start:now")]
    assert await run_due(member) == [], "never twice"
    assert nudges(member)[0][3] == ts(2026, 11, 30, 18, 45)


async def test_nudge_button_starts_a_check_in(member: Harness) -> None:
    calls = await member.press(MEMBER, "ci:start:now")
    assert "How heavy does today feel?" in texts(calls)


async def test_no_nudge_right_after_a_check_in(member: Harness) -> None:
    await member.send(MEMBER, "/nudge mon 19:00")
    await Walk(member).all()
    member.clock.advance(minutes=31)
    assert await run_due(member) == []
    assert nudges(member)[0][3] == ts(2026, 11, 30, 19)


async def test_missed_nudge_within_grace_is_sent_after_restart(make_harness: Any) -> None:
    async with make_harness() as bot:
        await bot.join(MEMBER)
        await bot.send(MEMBER, "/nudge mon 18:45")
        bot.clock.advance(minutes=10)
    # the bot is down over 18:45; it comes back at 19:05, within the 30-minute grace
    async with make_harness() as bot:
        bot.clock.advance(minutes=25)
        assert len(await run_due(bot)) == 1
        assert await run_due(bot) == []


async def test_nudge_missed_by_more_than_the_grace_is_dropped(make_harness: Any) -> None:
    async with make_harness() as bot:
        await bot.join(MEMBER)
        await bot.send(MEMBER, "/nudge mon 18:45")
    async with make_harness() as bot:
        bot.clock.advance(hours=1)
        assert await run_due(bot) == []
        assert nudges(bot)[0][3] == ts(2026, 11, 30, 18, 45)


async def test_blocked_bot_marks_the_member_inactive(member: Harness) -> None:
    await member.send(MEMBER, "/nudge mon 18:45")
    member.clock.advance(minutes=15)
    member.api.fail("sendMessage", MEMBER, 403, "Forbidden: bot was blocked by the user")
    assert await run_due(member) == []
    assert member.db_rows("SELECT active FROM members") == [(0,)]
    member.clock.advance(days=7)
    assert await run_due(member) == [], "inactive members are not messaged"


async def test_the_periodic_job_ticks_through_the_job_queue(member: Harness) -> None:
    await member.send(MEMBER, "/nudge mon 18:45")
    member.clock.advance(minutes=16)
    member.api.clear()
    await tick(BotContext(member.app))
    assert NUDGE in texts(member.api.sent(MEMBER))
    jobs = [j.name for j in member.app.job_queue.jobs()] if member.app.job_queue else []
    assert jobs.count("due:tick") == 1


async def test_time_zone_change_keeps_the_local_time(member: Harness) -> None:
    await member.send(MEMBER, "/nudge mon 18:45")
    await member.send(MEMBER, "/settings timezone Asia/Singapore")
    # 18:45 in Singapore (UTC+8) on Monday 30 Nov is 10:45 UTC
    assert nudges(member)[0][3] == ts(2026, 11, 30, 10, 45)


# --- trend -------------------------------------------------------------------------------------


async def test_trend_needs_two_check_ins(member: Harness) -> None:
    assert "isn't enough for a trend yet" in texts(await member.send(MEMBER, "/trend"))
    await Walk(member).all(load="4")
    assert "isn't enough for a trend yet" in texts(await member.send(MEMBER, "/trend"))


async def test_trend_sends_a_picture_and_one_sentence(member: Harness) -> None:
    await Walk(member).all(load="4")
    member.clock.advance(days=2)
    await Walk(member).all(load="9")
    member.clock.advance(days=30)
    await Walk(member).all(load="2")
    member.clock.advance(days=1)
    await Walk(member).all(load="6")
    calls = await member.send(MEMBER, "/trend")
    photo = next(c for c in calls if c.method == "sendPhoto")
    ((_, content),) = photo.files.values()
    assert content.startswith(b"\x89PNG")
    assert "2 check-ins; on average your load was 4.0 out of 10" in photo.text
    member.clock.advance(days=30)
    assert "isn't enough" in texts(await member.send(MEMBER, "/trend"))


async def test_trend_in_german_uses_a_decimal_comma(bot: Harness) -> None:
    await bot.join(MEMBER, language_code="de")
    for load in ("3", "4"):
        walk = Walk(bot)
        await walk.start()
        await walk.tap(load)
        await walk.tap("Überspringen")
        await walk.tap("Nein")
        await walk.tap("Ja")
        await walk.tap("Überspringen")
        await walk.tap("Ruhe")
    photo = next(c for c in await bot.send(MEMBER, "/trend") if c.method == "sendPhoto")
    assert "3,5" in photo.text


# --- the person's data ---------------------------------------------------------------------------


async def test_mydata_export_and_forget_cover_check_ins_and_nudges(member: Harness) -> None:
    await Walk(member).all(load="8", need="Talk to someone")
    await member.send(MEMBER, "/nudge daily 21:00")
    walk = Walk(member)
    await walk.start()
    await walk.tap("3")
    mydata = texts(await member.send(MEMBER, "/mydata"))
    assert "Check-ins kept: 1" in mydata
    assert "Nudges: Mon, Tue, Wed, Thu, Fri, Sat, Sun at 21:00" in mydata
    assert "A check-in in progress" in mydata
    document = next(c for c in await member.send(MEMBER, "/export") if c.method == "sendDocument")
    data = json.loads(next(iter(document.files.values()))[1])
    assert data["checkins"][0]["load"] == 8
    assert sorted(data["checkins"][0]["flags"]) == ["high_load", "talk"]
    assert data["nudges"]["minute_of_day"] == 21 * 60
    assert data["unfinished_checkin"]["answers"] == {"load": 3}
    confirm = await member.send(MEMBER, "/forget")
    await member.press_label(MEMBER, confirm, "Yes, erase everything")
    for table in ("members", "checkins", "checkin_progress", "nudges"):
        assert member.db_rows(f"SELECT COUNT(*) FROM {table}") == [(0,)], table  # noqa: S608


async def test_retention_purges_old_check_ins(member: Harness) -> None:
    from bot import jobs

    await Walk(member).all(load="5")
    member.clock.advance(days=60)
    await Walk(member).all(load="6")
    member.clock.advance(days=31)
    await member.send(MEMBER, "/help")  # still active
    await jobs.purge(BotContext(member.app))
    assert member.db_rows("SELECT load FROM checkins") == [(6,)]
