"""Nudge times: the next local time on chosen weekdays, through DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.schedule import ALL_DAYS, local_moment, next_occurrence, weekday_mask
from handlers.nudges import next_due, parse_time

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
MON, TUE, SAT, SUN = 1, 2, 32, 64


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_later_today_when_the_time_has_not_passed() -> None:
    # Monday 23 Nov 2026, 12:00 UTC (= 12:00 London)
    assert next_occurrence(utc(2026, 11, 23, 12), MON, time(17, 30), LONDON) == utc(
        2026, 11, 23, 17, 30
    )


def test_strictly_after_now() -> None:
    now = utc(2026, 11, 23, 17, 30)
    assert next_occurrence(now, MON, time(17, 30), LONDON) == utc(2026, 11, 30, 17, 30)


def test_next_chosen_weekday() -> None:
    assert next_occurrence(utc(2026, 11, 23, 18), MON | SAT, time(17, 30), LONDON) == utc(
        2026, 11, 28, 17, 30
    )


def test_no_days_means_no_nudge() -> None:
    assert next_occurrence(utc(2026, 11, 23), 0, time(9), LONDON) is None


def test_summer_time_shifts_the_utc_moment() -> None:
    # 17:30 London is 16:30 UTC in summer
    assert next_occurrence(utc(2027, 6, 1), ALL_DAYS, time(17, 30), LONDON) == utc(
        2027, 6, 1, 16, 30
    )


def test_a_time_in_the_spring_gap_moves_forward() -> None:
    # Sunday 28 March 2027: London clocks jump from 01:00 to 02:00; 01:30 does not exist.
    moment = local_moment(datetime(2027, 3, 28).date(), time(1, 30), LONDON)
    assert moment == utc(2027, 3, 28, 1, 30)
    assert moment.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"


def test_a_time_in_the_autumn_overlap_is_taken_the_first_time() -> None:
    # Sunday 31 Oct 2027: 01:30 happens twice in London; the first is 00:30 UTC.
    found = next_occurrence(utc(2027, 10, 30, 12), SUN, time(1, 30), LONDON)
    assert found == utc(2027, 10, 31, 0, 30)


def test_new_york_gap_and_weekday_across_the_date_line_of_utc() -> None:
    # 14 March 2027, 02:30 does not exist in New York; it becomes 03:30 EDT (07:30 UTC)
    assert next_occurrence(utc(2027, 3, 13, 12), SUN, time(2, 30), NEW_YORK) == utc(
        2027, 3, 14, 7, 30
    )
    # Monday 23:30 in New York is already Tuesday in UTC
    assert next_occurrence(utc(2026, 11, 23, 12), MON, time(23, 30), NEW_YORK) == utc(
        2026, 11, 24, 4, 30
    )


def test_nudges_keep_their_local_time_across_the_clock_change() -> None:
    # Every Tuesday 18:00 London: 18:00 UTC before 28 March 2027, 17:00 UTC after.
    before = next_due(utc(2027, 3, 21), TUE, 18 * 60, "Europe/London")
    after = next_due(utc(2027, 3, 28), TUE, 18 * 60, "Europe/London")
    assert before == int(utc(2027, 3, 23, 18).timestamp())
    assert after == int(utc(2027, 3, 30, 17).timestamp())


@pytest.mark.parametrize(
    ("names", "mask"),
    [
        (["mon"], 1),
        (["Monday", "fri"], 17),
        (["sat", "sun"], 96),
        (["Mo", "Di", "Sonntag"], 67),
        (["mon-fri"], 31),
        (["Mo-Fr"], 31),
        (["fri-mon"], 0b1110001),
        (["sat-sun", "wed"], 100),
    ],
)
def test_weekday_names(names: list[str], mask: int) -> None:
    assert weekday_mask(names) == mask


def test_unknown_weekday_is_an_error() -> None:
    with pytest.raises(ValueError, match="funday"):
        weekday_mask(["funday"])


@pytest.mark.parametrize(
    ("text", "minute"),
    [
        ("17:30", 1050),
        ("7.05", 425),
        ("18h00", 1080),
        (" 0:00 ", 0),
        ("23:59", 1439),
        ("24:00", None),
        ("17:60", None),
        ("five", None),
        ("", None),
        ("1730", None),
    ],
)
def test_typed_times(text: str, minute: int | None) -> None:
    assert parse_time(text) == minute
