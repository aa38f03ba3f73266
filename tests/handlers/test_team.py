"""The team side: linking groups, supervision series and reminders, RSVPs, the agenda, the
weekly prompt, anonymous sharing, broadcasts and anonymised figures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.app import services_of
from bot.context import BotContext
from handlers import tick
from handlers.supervision import send_due_reminders
from tests.conftest import COORDINATOR, MEMBER, OTHER, SECOND_COORDINATOR, Harness, texts
from tests.handlers.test_checkin import Walk

GROUP = -1001234
NEW_GROUP = -1009999


async def link(bot: Harness, group: int = GROUP) -> list[Any]:
    bot.api.chat_members[(group, COORDINATOR)] = "administrator"
    return await bot.send(COORDINATOR, "/link", chat_id=group)


async def scheduled(bot: Harness, line: str = "weekly wed 14:00 Room 2") -> list[Any]:
    await link(bot)
    return await bot.send(COORDINATOR, f"/schedule {line}", chat_id=GROUP)


def groups(bot: Harness) -> list[tuple[Any, ...]]:
    return bot.db_rows("SELECT chat_id, team_id, active FROM groups")


def series(bot: Harness) -> list[tuple[Any, ...]]:
    return bot.db_rows(
        "SELECT id, frequency, weekday, minute, place, next_session_at, "
        "next_reminder_at FROM supervision_series"
    )


async def due(bot: Harness) -> list[Any]:
    bot.api.clear()
    await send_due_reminders(BotContext(bot.app))
    return bot.api.sent(GROUP)


# --- linking ---


async def test_bot_added_to_a_group_says_how_to_link(bot: Harness) -> None:
    calls = await bot.feed(bot.updates.my_chat_member(GROUP, COORDINATOR, "left", "member"))
    assert "/link" in texts(calls)
    assert groups(bot) == []


async def test_coordinator_admin_links_the_group(bot: Harness) -> None:
    calls = await link(bot)
    assert "This group is now North peer team's reflection channel" in texts(calls)
    assert groups(bot) == [(GROUP, "north", 1)]
    assert any(c.method == "getChatMember" for c in calls), "admin rights checked at the time"


async def test_coordinator_who_is_not_admin_is_refused(bot: Harness) -> None:
    calls = await bot.send(COORDINATOR, "/link", chat_id=GROUP)
    assert "also an admin of this group" in texts(calls)
    assert groups(bot) == []


async def test_member_cannot_link(bot: Harness) -> None:
    await bot.join(MEMBER)
    bot.api.chat_members[(GROUP, MEMBER)] = "administrator"
    assert "Only a team coordinator" in texts(await bot.send(MEMBER, "/link", chat_id=GROUP))
    assert groups(bot) == []


async def test_admin_rights_are_checked_each_time(bot: Harness) -> None:
    await link(bot)
    bot.api.chat_members[(GROUP, COORDINATOR)] = "member"
    calls = await bot.send(COORDINATOR, "/unlink", chat_id=GROUP)
    assert "also an admin" in texts(calls)
    assert groups(bot) == [(GROUP, "north", 1)]


async def test_unlink_keeps_the_schedule(bot: Harness) -> None:
    await scheduled(bot)
    calls = await bot.send(COORDINATOR, "/unlink", chat_id=GROUP)
    assert "no longer North peer team's reflection channel" in texts(calls)
    assert groups(bot) == []
    assert len(series(bot)) == 1


async def test_removed_bot_pauses_then_resumes_without_losing_schedules(bot: Harness) -> None:
    await scheduled(bot)
    await bot.feed(bot.updates.my_chat_member(GROUP, COORDINATOR, "member", "kicked"))
    assert groups(bot) == [(GROUP, "north", 0)]
    bot.clock.advance(hours=19, minutes=30)  # Tue 14:00: the 24 h reminder is due
    assert await due(bot) == [], "no reminder into a group the bot is not in"
    calls = await bot.feed(bot.updates.my_chat_member(GROUP, COORDINATOR, "left", "member"))
    assert "I'm back" in texts(calls)
    assert groups(bot) == [(GROUP, "north", 1)]
    assert len(series(bot)) == 1


async def test_migration_to_a_supergroup_keeps_everything(bot: Harness) -> None:
    await scheduled(bot)
    old_chat = {"id": GROUP, "type": "group", "title": "Team"}
    await bot.feed(
        bot.updates.message(
            COORDINATOR, None, chat_id=GROUP, chat=old_chat, migrate_to_chat_id=NEW_GROUP
        )
    )
    assert groups(bot) == [(NEW_GROUP, "north", 1)]
    bot.clock.advance(hours=19, minutes=30)
    bot.api.clear()
    await send_due_reminders(BotContext(bot.app))
    assert len(bot.api.sent(NEW_GROUP)) == 1


async def test_chat_migrated_on_send_is_followed(bot: Harness) -> None:
    await scheduled(bot)
    bot.api.fail(
        "sendMessage",
        GROUP,
        400,
        "Bad Request: group chat was upgraded",
        migrate_to_chat_id=NEW_GROUP,
    )
    bot.clock.advance(hours=19, minutes=30)
    bot.api.clear()
    await send_due_reminders(BotContext(bot.app))
    assert len(bot.api.sent(NEW_GROUP)) == 1
    assert groups(bot) == [(NEW_GROUP, "north", 1)]


async def test_group_chatter_gets_silence(bot: Harness) -> None:
    await link(bot)
    assert await bot.send(OTHER, "/mydata", chat_id=GROUP) == []
    assert await bot.send(OTHER, "/frobnicate", chat_id=GROUP) == []


# --- scheduling ---


async def test_guided_scheduling_with_buttons(bot: Harness) -> None:
    await link(bot)
    calls = await bot.send(COORDINATOR, "/schedule", chat_id=GROUP)
    assert "How often do you meet?" in texts(calls)
    for label in ("Fortnightly", "Thu", "10:00"):
        calls = await bot.press_label(COORDINATOR, calls, label, chat_id=GROUP)
    assert "Reply to this message with a place" in texts(calls)
    reply_to = {
        "message_id": calls[-1].message_id,
        "date": 0,
        "chat": {"id": GROUP, "type": "supergroup", "title": "Team"},
        "text": "Where?",
        "from": {"id": 7000000001, "is_bot": True, "first_name": "peer-reflect"},
    }
    calls = await bot.feed(
        bot.updates.message(
            COORDINATOR, "Room 4, first floor", chat_id=GROUP, reply_to_message=reply_to
        )
    )
    assert "Every other Thursday at 10:00 (Europe/London), Room 4, first floor" in texts(calls)
    assert "First session: Thu 26 Nov 2026, 10:00" in texts(calls)
    calls = await bot.press_label(COORDINATOR, calls, "Save", chat_id=GROUP)
    assert "Scheduled:" in texts(calls)
    assert "Reminders go to the team's group 24 and 1 hours before" in texts(calls)
    rows = series(bot)
    assert rows[0][1:5] == ("fortnightly", 3, 600, "Room 4, first floor")


async def test_only_the_coordinator_who_started_can_answer_the_flow(bot: Harness) -> None:
    await link(bot)
    await bot.join(MEMBER)
    calls = await bot.send(COORDINATOR, "/schedule", chat_id=GROUP)
    answer = await bot.press_label(MEMBER, calls, "Weekly", chat_id=GROUP)
    assert answer[0].params["text"] == "Only the coordinator who started this can answer."


async def test_monthly_one_line_and_dst_note(bot: Harness) -> None:
    await link(bot)
    calls = await bot.send(COORDINATOR, "/schedule monthly last sun 01:30", chat_id=GROUP)
    text = texts(calls)
    assert "Monthly, on the last Sunday at 01:30" in text
    assert "First session: Sun 29 Nov 2026, 01:30" in text
    assert "on 28 Mar 2027 the clocks change; that time doesn't exist" in text
    assert "on 31 Oct 2027 the clocks change; that time happens twice" in text


@pytest.mark.parametrize(
    "line",
    [
        "weekly",
        "daily mon 10:00",
        "weekly noday 10:00",
        "weekly mon 25:00",
        "weekly mon 10:00 " + "x" * 201,
    ],
)
async def test_bad_one_line_schedule_explains(bot: Harness, line: str) -> None:
    await link(bot)
    calls = await bot.send(COORDINATOR, f"/schedule {line}", chat_id=GROUP)
    assert "/schedule weekly tue 14:00 Room 2" in texts(calls)
    assert series(bot) == []


async def test_schedule_needs_a_linked_group_and_a_coordinator(bot: Harness) -> None:
    assert "isn't linked to a team" in texts(
        await bot.send(COORDINATOR, "/schedule weekly tue 14:00", chat_id=GROUP)
    )
    await link(bot)
    await bot.join(MEMBER)
    assert "Only a team coordinator" in texts(
        await bot.send(MEMBER, "/schedule weekly tue 14:00", chat_id=GROUP)
    )
    assert series(bot) == []


async def test_sessions_list_skip_and_cancel(bot: Harness) -> None:
    await scheduled(bot)
    calls = await bot.send(COORDINATOR, "/sessions")
    text = texts(calls)
    assert "Every Wednesday at 14:00 (Europe/London), Room 2" in text
    assert "Next: Wed 25 Nov 2026, 14:00; Wed 2 Dec 2026, 14:00; Wed 9 Dec 2026, 14:00" in text
    calls = await bot.press_label(COORDINATOR, calls, "Skip 25 Nov 2026")
    assert "Next: Wed 2 Dec 2026, 14:00" in texts(calls)
    assert bot.db_rows("SELECT day FROM supervision_skips") == [("2026-11-25",)]
    calls = await bot.press_label(COORDINATOR, calls, "Cancel series")
    calls = await bot.press_label(COORDINATOR, calls, "Yes, cancel it")
    assert "Cancelled" in texts(calls)
    assert series(bot) == []


async def test_members_see_sessions_without_buttons_and_cannot_manage(bot: Harness) -> None:
    await scheduled(bot)
    await bot.join(MEMBER)
    calls = await bot.send(MEMBER, "/sessions")
    assert "Every Wednesday at 14:00" in texts(calls)
    assert calls[-1].buttons == []
    answer = await bot.press(MEMBER, "sv:cancel:1")
    assert answer[0].params["text"] == "Only a team coordinator can do that."
    assert len(series(bot)) == 1


async def test_change_a_series(bot: Harness) -> None:
    await scheduled(bot)
    listing = await bot.send(COORDINATOR, "/sessions", chat_id=GROUP)
    calls = await bot.press_label(COORDINATOR, listing, "Change", chat_id=GROUP)
    for label in ("Weekly", "Wed", "16:00", "No place", "Save"):
        calls = await bot.press_label(COORDINATOR, calls, label, chat_id=GROUP)
    assert "Changed:" in texts(calls)
    assert series(bot)[0][1:5] == ("weekly", 2, 960, "")


# --- reminders and RSVPs ---


async def test_reminder_then_rsvps_show_counts_never_names(bot: Harness) -> None:
    await scheduled(bot)  # Wed 25 Nov 14:00 London; now Mon 23 Nov 18:30
    assert await due(bot) == []
    bot.clock.advance(hours=19, minutes=30)  # Tue 14:00: the 24 h reminder is due
    sent = await due(bot)
    assert len(sent) == 1
    reminder = sent[0]
    assert "Group supervision" in reminder.text
    assert "Wed 25 Nov 2026, 14:00" in reminder.text
    assert "Room 2" in reminder.text
    assert "Going: 0 · Can't make it: 0" in reminder.text
    assert [label for label, _ in reminder.buttons] == ["Going", "Can't make it"]
    assert await due(bot) == [], "never twice"

    calls = await bot.press_label(MEMBER, [reminder], "Going", chat_id=GROUP)
    assert "Going: 1 · Can't make it: 0" in texts(calls)
    calls = await bot.press_label(OTHER, [reminder], "Can't make it", chat_id=GROUP)
    assert "Going: 1 · Can't make it: 1" in texts(calls)
    calls = await bot.press_label(MEMBER, [reminder], "Can't make it", chat_id=GROUP)
    assert "Going: 0 · Can't make it: 2" in texts(calls)
    assert "Alex" not in texts(calls)
    voters = [row[0] for row in bot.db_rows("SELECT voter FROM rsvps")]
    assert len(voters) == 2
    assert not any(str(MEMBER) in v or str(OTHER) in v for v in voters)


async def test_the_one_hour_reminder_follows(bot: Harness) -> None:
    await scheduled(bot)
    bot.clock.advance(hours=19, minutes=30)
    await due(bot)
    bot.clock.advance(hours=23)  # Wed 13:00
    sent = await due(bot)
    assert len(sent) == 1
    assert "soon" in sent[0].text
    assert series(bot)[0][6] is not None


async def test_rsvp_after_the_session_started_is_declined(bot: Harness) -> None:
    await scheduled(bot)
    bot.clock.advance(hours=19, minutes=30)
    reminder = (await due(bot))[0]
    bot.clock.advance(days=1)
    calls = await bot.press_label(MEMBER, [reminder], "Going", chat_id=GROUP)
    assert calls[0].params["text"] == "That session is no longer on."
    assert bot.db_rows("SELECT COUNT(*) FROM rsvps") == [(0,)]


async def test_restart_sends_a_missed_reminder_exactly_once(make_harness: Any) -> None:
    async with make_harness() as bot:
        await scheduled(bot)
    async with make_harness() as bot:
        # the bot was down over Tue 14:00 (the 24 h reminder); back at 14:20, within grace
        bot.clock.advance(hours=19, minutes=50)
        bot.api.clear()
        await tick(BotContext(bot.app))
        assert len(bot.api.sent(GROUP)) == 1
        await tick(BotContext(bot.app))
        assert len(bot.api.sent(GROUP)) == 1


async def test_reminder_missed_beyond_grace_is_dropped(make_harness: Any) -> None:
    async with make_harness() as bot:
        await scheduled(bot)
    async with make_harness() as bot:
        bot.clock.advance(hours=21)  # Tue 15:30: 90 minutes late
        assert await due(bot) == []
        bot.clock.advance(hours=21, minutes=30)  # Wed 13:00: the 1 h reminder is on time
        assert len(await due(bot)) == 1


# --- agenda ---


async def test_agenda_topic_is_shown_without_author_and_deleted_after(bot: Harness) -> None:
    await scheduled(bot)
    await bot.join(MEMBER)
    calls = await bot.send(MEMBER, "/agenda")
    assert "What would you like to bring to supervision on Wed 25 Nov 2026, 14:00?" in texts(calls)
    calls = await bot.send(MEMBER, "How do we end <b>calls</b> kindly?")
    assert "without your name" in texts(calls)
    assert "&lt;b&gt;calls&lt;/b&gt;" in texts(calls)
    await bot.press_label(MEMBER, calls, "Add it")
    calls = await bot.send(COORDINATOR, "/agenda")
    assert "• How do we end &lt;b&gt;calls&lt;/b&gt; kindly?" in texts(calls)
    assert "Alex" not in texts(calls)
    assert bot.db_rows("PRAGMA table_info(agenda_topics)")  # no author column:
    assert "user_id" not in [r[1] for r in bot.db_rows("PRAGMA table_info(agenda_topics)")]
    bot.clock.advance(days=1)
    await tick(BotContext(bot.app))
    assert bot.db_rows("SELECT COUNT(*) FROM agenda_topics") == [(1,)], "kept until it starts"
    bot.clock.advance(days=1)
    await tick(BotContext(bot.app))
    assert bot.db_rows("SELECT COUNT(*) FROM agenda_topics") == [(0,)]


async def test_agenda_without_a_session(bot: Harness) -> None:
    await bot.join(MEMBER)
    assert "no supervision session scheduled" in texts(await bot.send(MEMBER, "/agenda"))


async def test_agenda_topic_too_long_and_dropped(bot: Harness) -> None:
    await scheduled(bot)
    await bot.join(MEMBER)
    await bot.send(MEMBER, "/agenda")
    assert "please keep it to 500" in texts(await bot.send(MEMBER, "x" * 5000))
    calls = await bot.send(MEMBER, "short topic")
    await bot.press_label(MEMBER, calls, "Don't add")
    assert bot.db_rows("SELECT COUNT(*) FROM agenda_topics") == [(0,)]


# --- weekly prompt ---


async def test_weekly_prompt_rotates_and_stops(bot: Harness) -> None:
    await link(bot)
    calls = await bot.send(COORDINATOR, "/weeklyprompt mon 19:00", chat_id=GROUP)
    assert "every Monday at 19:00" in texts(calls)
    bot.clock.advance(minutes=31)
    bot.api.clear()
    await tick(BotContext(bot.app))
    first = bot.api.sent(GROUP)
    assert len(first) == 1
    assert "This week's reflection" in first[0].text
    bot.clock.advance(days=7)
    bot.api.clear()
    await tick(BotContext(bot.app))
    second = bot.api.sent(GROUP)
    assert second[0].text != first[0].text
    assert "off" in texts(await bot.send(COORDINATOR, "/weeklyprompt off", chat_id=GROUP))
    bot.clock.advance(days=7)
    bot.api.clear()
    await tick(BotContext(bot.app))
    assert bot.api.sent(GROUP) == []


# --- anonymous sharing ---


async def test_share_after_a_check_in_posts_without_name_and_keeps_no_copy(bot: Harness) -> None:
    await link(bot)
    await bot.join(MEMBER)
    await Walk(bot).all(load="4")
    close = next(c for c in bot.api.sent(MEMBER) if c.buttons and "One idea" in c.text)
    calls = await bot.press_label(MEMBER, [close], "Share a reflection with my team")
    assert "You'll see exactly what will be posted" in texts(calls)
    calls = await bot.send(MEMBER, "Holding space for someone is tiring <i>and</i> good qz9")
    preview = texts(calls)
    assert "This is exactly what will be posted" in preview
    assert "Holding space for someone is tiring &lt;i&gt;and&lt;/i&gt; good qz9" in preview
    assert all("qz9" not in c.text for c in bot.api.sent(GROUP)), "nothing before confirming"
    calls = await bot.press_label(MEMBER, calls, "Post it")
    posted = [c for c in calls if c.chat_id == GROUP]
    assert len(posted) == 1
    assert "qz9" in posted[0].text
    assert "Alex" not in posted[0].text
    assert str(MEMBER) not in posted[0].text
    assert "I haven't kept a copy" in texts([c for c in calls if c.chat_id == MEMBER])
    await bot.repo.connection.execute("PRAGMA wal_checkpoint(FULL)")
    for path in bot.config.database.parent.glob("bot.sqlite3*"):
        assert b"qz9" not in path.read_bytes()


async def test_share_can_be_dropped_and_needs_a_group(bot: Harness) -> None:
    await bot.join(MEMBER)
    assert "doesn't have a group" in texts(await bot.send(MEMBER, "/share"))
    await link(bot)
    await bot.send(MEMBER, "/share")
    calls = await bot.send(MEMBER, "something")
    await bot.press_label(MEMBER, calls, "Don't post")
    assert all("something" not in c.text for c in bot.api.sent(GROUP))


# --- broadcast ---


async def test_broadcast_report_with_blocked_and_rate_limited(bot: Harness) -> None:
    members = [MEMBER, OTHER, MEMBER + 10, MEMBER + 11]
    for user in members:
        await bot.join(user)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    services_of(bot.app).sleep = record
    bot.api.fail("sendMessage", OTHER, 403, "Forbidden: bot was blocked by the user")
    bot.api.fail("sendMessage", MEMBER + 10, 429, "Too Many Requests: retry after 3", retry_after=3)
    bot.api.fail("sendMessage", MEMBER + 11, 400, "Bad Request: chat not found")
    calls = await bot.send(COORDINATOR, "/broadcast")
    assert "What would you like to send to everyone in North peer team?" in texts(calls)
    calls = await bot.send(COORDINATOR, "Supervision moves to <Room 5> this week")
    assert "This is what 4 people will get" in texts(calls)
    assert "&lt;Room 5&gt;" in texts(calls)
    bot.api.clear()
    await bot.press_label(COORDINATOR, calls, "Send to 4")
    await services_of(bot.app).drain()
    report = bot.api.sent(COORDINATOR)[-1].text
    assert "Sent: 2" in report
    assert "Blocked the bot: 1" in report
    assert "Failed: 1" in report
    assert waits == [3.0]
    assert len(bot.api.sent(MEMBER)) == 1
    assert len(bot.api.sent(MEMBER + 10)) == 1
    assert bot.db_rows("SELECT user_id FROM members WHERE active = 0") == [(OTHER,)]
    assert bot.db_rows("SELECT COUNT(*) FROM members") == [(4,)], "blocked is not deleted"


async def test_member_cannot_broadcast(bot: Harness) -> None:
    await bot.join(MEMBER)
    assert "only a team coordinator" in texts(await bot.send(MEMBER, "/broadcast"))
    forged = await bot.press(MEMBER, "bc:send:abcdef12")
    assert forged[0].params["text"] == "This button no longer works."


async def test_broadcast_can_be_dropped(bot: Harness) -> None:
    await bot.join(MEMBER)
    await bot.send(COORDINATOR, "/broadcast")
    calls = await bot.send(COORDINATOR, "hello all")
    calls = await bot.press_label(COORDINATOR, calls, "Don't send")
    assert "nothing was sent" in texts(calls)
    assert all("hello all" not in c.text for c in bot.api.sent(MEMBER))


# --- team figures ---


async def test_team_figures_are_withheld_below_five_people(bot: Harness) -> None:
    for user in range(4):
        await bot.join(MEMBER + user)
        await Walk(bot, MEMBER + user).all(load="8")
    calls = await bot.send(COORDINATOR, "/team")
    assert "in none of the last 8 weeks did 5 or more people check in" in texts(calls)
    assert not [c for c in calls if c.method == "sendPhoto"]


async def test_team_figures_with_enough_people(bot: Harness) -> None:
    for user in range(5):
        await bot.join(MEMBER + user)
        await Walk(bot, MEMBER + user).all(load=str(4 + user))
    calls = await bot.send(COORDINATOR, "/team")
    photo = next(c for c in calls if c.method == "sendPhoto")
    assert next(iter(photo.files.values()))[1].startswith(b"\x89PNG")
    assert "5 check-ins from 5 people" in photo.text
    assert "40% were flagged" in photo.text
    assert "2 had a load of 7 or more" in photo.text
    for user in range(5):
        assert str(MEMBER + user) not in photo.text


async def test_members_cannot_see_team_figures(bot: Harness) -> None:
    await bot.join(MEMBER)
    assert "only a team coordinator" in texts(await bot.send(MEMBER, "/team"))


async def test_second_team_coordinator_sees_only_their_team(bot: Harness) -> None:
    for user in range(5):
        await bot.join(MEMBER + user)
        await Walk(bot, MEMBER + user).all()
    calls = await bot.send(SECOND_COORDINATOR, "/team")
    assert "South peer team" in texts(calls)
    assert "in none of the last 8 weeks did 5 or more people check in" in texts(calls)


async def test_export_after_team_features_still_valid_json(bot: Harness) -> None:
    await scheduled(bot)
    await bot.join(MEMBER)
    document = next(c for c in await bot.send(MEMBER, "/export") if c.method == "sendDocument")
    data = json.loads(next(iter(document.files.values()))[1])
    assert data["member"]["telegram_user_id"] == MEMBER


async def test_another_teams_coordinator_cannot_take_over_a_linked_group(bot: Harness) -> None:
    await link(bot)
    bot.api.chat_members[(GROUP, SECOND_COORDINATOR)] = "administrator"
    calls = await bot.send(SECOND_COORDINATOR, "/link", chat_id=GROUP)
    assert "This group belongs to a team you don't coordinate." in texts(calls)
    assert groups(bot) == [(GROUP, "north", 1)]


async def test_a_group_that_is_gone_does_not_stop_the_other_reminders(bot: Harness) -> None:
    await scheduled(bot)
    bot.api.fail("sendMessage", GROUP, 400, "Bad Request: chat not found")
    bot.clock.advance(hours=19, minutes=30)
    assert await due(bot) == []
    assert groups(bot) == [(GROUP, "north", 0)]
    assert bot.take_errors() == []


async def test_one_failing_part_of_the_tick_does_not_block_the_rest(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await scheduled(bot)

    async def broken(*args: Any) -> Any:
        raise RuntimeError("nudges broke")

    monkeypatch.setattr("handlers.nudges.send_due_nudges", broken)
    bot.clock.advance(hours=19, minutes=30)
    bot.api.clear()
    await tick(BotContext(bot.app))
    assert len(bot.api.sent(GROUP)) == 1, "reminders still went out"


async def test_sessions_in_a_group_that_is_not_the_teams_stay_silent(bot: Harness) -> None:
    await scheduled(bot)
    await bot.join(MEMBER)
    assert await bot.send(MEMBER, "/sessions", chat_id=NEW_GROUP) == []
    assert await bot.send(COORDINATOR, "/sessions", chat_id=NEW_GROUP) == []


async def test_forged_rsvp_for_a_session_that_does_not_exist_stores_nothing(
    bot: Harness,
) -> None:
    await scheduled(bot)
    for data in ("sv:yes:1-999999999999", "sv:yes:1-1795456800", "sv:no:99-1795532400"):
        calls = await bot.press(MEMBER, data, chat_id=GROUP)
        assert calls[0].params["text"] == "That session is no longer on."
    assert bot.db_rows("SELECT COUNT(*) FROM rsvps") == [(0,)]


async def test_forget_removes_the_persons_answers(bot: Harness) -> None:
    await scheduled(bot)
    await bot.join(MEMBER)
    bot.clock.advance(hours=19, minutes=30)
    reminder = (await due(bot))[0]
    await bot.press_label(MEMBER, [reminder], "Going", chat_id=GROUP)
    await bot.press_label(OTHER, [reminder], "Going", chat_id=GROUP)
    assert bot.db_rows("SELECT COUNT(*) FROM rsvps") == [(2,)]
    confirm = await bot.send(MEMBER, "/forget")
    await bot.press_label(MEMBER, confirm, "Yes, erase everything")
    assert bot.db_rows("SELECT COUNT(*) FROM rsvps") == [(1,)], "only the other person's stays"


async def test_answer_codes_use_a_key_kept_outside_the_database(bot: Harness) -> None:
    key_file = bot.config.database.with_name(bot.config.database.name + ".key")
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    key = bytes.fromhex(key_file.read_text())
    await bot.repo.connection.execute("PRAGMA wal_checkpoint(FULL)")
    assert key.hex().encode() not in bot.config.database.read_bytes()


async def test_changing_another_teams_series_in_private_keeps_its_time_zone(
    make_harness: Any, config: Any, tmp_path: Any
) -> None:
    from bot.config import parse_config
    from prompts import available_languages
    from tests.conftest import config_data

    data = config_data(config.database)
    data["teams"][1]["coordinators"] = [COORDINATOR, SECOND_COORDINATOR]
    both = parse_config(data, tmp_path / "c.toml", available_languages())
    async with make_harness(both) as bot:
        bot.api.chat_members[(GROUP, COORDINATOR)] = "administrator"
        await bot.send(COORDINATOR, "/link south", chat_id=GROUP)
        await bot.send(COORDINATOR, "/schedule weekly wed 14:00 Raum 2", chat_id=GROUP)
        listing = await bot.send(COORDINATOR, "/sessions")
        calls = await bot.press_label(COORDINATOR, listing, "Change")
        for label in ("Weekly", "Thu", "15:00", "No place", "Save"):
            calls = await bot.press_label(COORDINATOR, calls, label)
        assert "Every Thursday at 15:00 (Europe/Berlin)" in texts(calls)
        assert bot.db_rows("SELECT team_id, timezone, minute FROM supervision_series") == [
            ("south", "Europe/Berlin", 900)
        ]


async def test_broadcast_with_nobody_to_send_to_says_so(bot: Harness) -> None:
    calls = await bot.send(COORDINATOR, "/broadcast")
    assert "Nobody in North peer team has joined yet" in texts(calls)
    assert "not sure" not in texts(await bot.send(COORDINATOR, "hello"))


async def test_a_broadcast_about_suicide_prevention_brings_no_crisis_note(bot: Harness) -> None:
    await bot.join(MEMBER)
    calls = await bot.send(COORDINATOR, "/start")
    await bot.press_label(COORDINATOR, calls, "I agree")
    await bot.send(COORDINATOR, "/broadcast")
    calls = await bot.send(COORDINATOR, "Suicide prevention training next week: suicide is")
    assert "Samaritans" not in texts(calls)
    assert "This is what 1 person will get" in texts(calls)
