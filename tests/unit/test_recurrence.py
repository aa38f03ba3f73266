"""Supervision series: session dates, reminder times, DST changes, and k-anonymous figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from core.figures import Entry, team_figures
from core.recurrence import (
    Series,
    clock_changes,
    first_date,
    next_reminder,
    nth_weekday,
    session_dates,
    session_moments,
)

H24, H1 = timedelta(hours=24), timedelta(hours=1)
MON, TUE, THU, FRI, SUN = 0, 1, 3, 4, 6


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def dates(series: Series, start: date, count: int) -> list[date]:
    return list(islice(session_dates(series, start), count))


def test_weekly_dates() -> None:
    s = Series("weekly", TUE, 14 * 60, "Europe/London", date(2026, 11, 24))
    assert dates(s, date(2026, 11, 24), 3) == [
        date(2026, 11, 24),
        date(2026, 12, 1),
        date(2026, 12, 8),
    ]


def test_fortnightly_keeps_its_rhythm_from_the_first_date() -> None:
    s = Series("fortnightly", THU, 600, "Europe/London", date(2026, 11, 26))
    assert dates(s, date(2026, 12, 1), 3) == [
        date(2026, 12, 10),
        date(2026, 12, 24),
        date(2027, 1, 7),
    ]
    assert dates(s, date(2026, 12, 10), 1) == [date(2026, 12, 10)]


def test_monthly_nth_and_last_weekday_across_year_end() -> None:
    first = Series("monthly", FRI, 540, "Europe/London", date(2026, 11, 6), week_of_month=1)
    assert dates(first, date(2026, 11, 1), 3) == [
        date(2026, 11, 6),
        date(2026, 12, 4),
        date(2027, 1, 1),
    ]
    last = Series("monthly", FRI, 540, "Europe/London", date(2026, 11, 27), week_of_month=5)
    assert dates(last, date(2026, 11, 1), 4) == [
        date(2026, 11, 27),
        date(2026, 12, 25),
        date(2027, 1, 29),
        date(2027, 2, 26),
    ]


@pytest.mark.parametrize(
    ("year", "month", "weekday", "nth", "expected"),
    [
        (2027, 2, MON, 4, date(2027, 2, 22)),
        (2027, 2, SUN, 5, date(2027, 2, 28)),
        (2026, 12, TUE, 1, date(2026, 12, 1)),
        (2026, 12, MON, 5, date(2026, 12, 28)),
    ],
)
def test_nth_weekday(year: int, month: int, weekday: int, nth: int, expected: date) -> None:
    assert nth_weekday(year, month, weekday, nth) == expected


def test_first_date_is_today_or_later() -> None:
    today = date(2026, 11, 23)  # a Monday
    assert first_date("weekly", MON, 1, today) == today
    assert first_date("weekly", SUN, 1, today) == date(2026, 11, 29)
    assert first_date("monthly", MON, 1, today) == date(2026, 12, 7)  # 2 Nov has passed
    assert first_date("monthly", MON, 5, today) == date(2026, 11, 30)


def test_sessions_after_now_skip_skipped_dates() -> None:
    s = Series("weekly", TUE, 14 * 60, "Europe/London", date(2026, 11, 24))
    after = utc(2026, 11, 24, 15)  # the first session has just happened
    moments = list(islice(session_moments(s, after, skipped=[date(2026, 12, 1)]), 2))
    assert moments == [utc(2026, 12, 8, 14), utc(2026, 12, 15, 14)]


def test_reminders_24h_then_1h_then_next_session() -> None:
    s = Series("weekly", TUE, 14 * 60, "Europe/London", date(2026, 11, 24))
    now = utc(2026, 11, 23, 9)
    assert next_reminder(s, now, (H24, H1)) == (utc(2026, 11, 24, 14), utc(2026, 11, 23, 14))
    assert next_reminder(s, utc(2026, 11, 23, 14), (H24, H1)) == (
        utc(2026, 11, 24, 14),
        utc(2026, 11, 24, 13),
    )
    assert next_reminder(s, utc(2026, 11, 24, 13), (H24, H1)) == (
        utc(2026, 12, 1, 14),
        utc(2026, 11, 30, 14),
    )


def test_a_session_scheduled_at_short_notice_gets_the_reminders_still_ahead() -> None:
    s = Series("weekly", MON, 14 * 60, "Europe/London", date(2026, 11, 23))
    assert next_reminder(s, utc(2026, 11, 23, 12), (H24, H1)) == (
        utc(2026, 11, 23, 14),
        utc(2026, 11, 23, 13),
    )


def test_london_summer_time_moves_the_utc_time_not_the_local_time() -> None:
    s = Series("weekly", TUE, 14 * 60, "Europe/London", date(2027, 3, 23))
    moments = list(islice(session_moments(s, utc(2027, 3, 22)), 2))
    assert moments == [utc(2027, 3, 23, 14), utc(2027, 3, 30, 13)]


def test_gap_and_overlap_are_found_and_said() -> None:
    # Sundays at 01:30 in London: 28 March 2027 (gap) and 31 October 2027 (overlap)
    s = Series("weekly", SUN, 90, "Europe/London", date(2027, 3, 21))
    notes = clock_changes(s, date(2027, 3, 21), days=230)
    assert [(n.day, n.kind, n.shown) for n in notes] == [
        (date(2027, 3, 28), "gap", "02:30"),
        (date(2027, 10, 31), "overlap", "01:30"),
    ]
    gap_session = next(session_moments(s, utc(2027, 3, 27)))
    assert gap_session == utc(2027, 3, 28, 1, 30)  # 02:30 BST


def test_new_york_changes_on_its_own_dates() -> None:
    # New York: 02:00-03:00 is skipped on 14 March 2027, 01:00-02:00 repeats on 7 November.
    at_half_two = Series("weekly", SUN, 150, "America/New_York", date(2027, 3, 7))
    notes = clock_changes(at_half_two, date(2027, 3, 7), days=300)
    assert [(n.day, n.kind, n.shown) for n in notes] == [(date(2027, 3, 14), "gap", "03:30")]
    at_half_one = Series("weekly", SUN, 90, "America/New_York", date(2027, 3, 7))
    notes = clock_changes(at_half_one, date(2027, 3, 7), days=300)
    assert [(n.day, n.kind) for n in notes] == [(date(2027, 11, 7), "overlap")]
    london = Series("weekly", SUN, 150, "Europe/London", date(2027, 3, 7))
    assert clock_changes(london, date(2027, 3, 7), days=300) == []


def test_fortnightly_reminders_across_the_clock_change() -> None:
    s = Series("fortnightly", THU, 10 * 60, "Europe/London", date(2027, 3, 18))
    assert next_reminder(s, utc(2027, 3, 19), (H1,)) == (utc(2027, 4, 1, 9), utc(2027, 4, 1, 8))


# --- k-anonymity --------------------------------------------------------------------------------


def entries(people: int, per_person: int, when: datetime, flagged_every: int = 0) -> list[Entry]:
    out = []
    for p in range(people):
        for i in range(per_person):
            flagged = bool(flagged_every) and (p * per_person + i) % flagged_every == 0
            out.append(Entry(p, int(when.timestamp()) + p * 60 + i, 3 + p % 5, flagged))
    return out


ZONE = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)


def test_fewer_than_five_people_withholds_everything() -> None:
    figures = team_figures(entries(4, 10, utc(2026, 11, 20, 12)), TODAY, ZONE)
    assert figures.all_withheld
    assert figures.flagged_share is None
    assert figures.loads is None
    assert figures.checkins == 0
    assert all(w.checkins == 0 for w in figures.weeks)


def test_five_people_show_figures_and_a_thin_week_is_withheld() -> None:
    data = entries(5, 2, utc(2026, 11, 20, 12), flagged_every=2)  # week of 16 Nov: 5 people
    data += entries(3, 1, utc(2026, 11, 10, 12))  # week of 9 Nov: only 3 people
    figures = team_figures(data, TODAY, ZONE)
    assert not figures.all_withheld
    assert figures.people == 5
    by_start = {w.start: w for w in figures.weeks}
    assert by_start[date(2026, 11, 16)].checkins == 10
    assert by_start[date(2026, 11, 16)].flagged == 5
    assert by_start[date(2026, 11, 9)].withheld
    assert by_start[date(2026, 11, 9)].checkins == 0
    assert figures.withheld_weeks == 1
    # totals leave the withheld week out, so it cannot be worked out by subtraction
    assert figures.checkins == 10
    assert figures.flagged_share == pytest.approx(5 / 10)
    assert figures.loads is not None
    assert sum(figures.loads) == 10


def test_a_lone_persons_week_cannot_be_subtracted_out() -> None:
    data = entries(5, 1, utc(2026, 11, 16, 12))  # last week: 5 people, loads 3-7
    lone = Entry(99, int(utc(2026, 11, 23, 12).timestamp()), 10, True)  # this week: one person
    figures = team_figures([*data, lone], TODAY, ZONE)
    assert figures.weeks[-1].withheld
    assert figures.checkins == 5
    assert figures.people == 5
    assert figures.loads is not None
    assert figures.loads[10] == 0
    assert figures.flagged_share == 0


def test_only_the_last_eight_weeks_count() -> None:
    old = entries(6, 1, utc(2026, 9, 1, 12))
    figures = team_figures(old, TODAY, ZONE)
    assert figures.people == 0
    assert len(figures.weeks) == 8
    assert figures.weeks[0].start == date(2026, 10, 5)  # 8 weeks, this one included
