"""Recurring supervision sessions and their reminders.

A series is weekly, fortnightly (every 14 days from its first date) or monthly (the same
weekday in the same week of each month: the 1st to 4th, or the last). Sessions are at a local
time in the series' zone, resolved through daylight-saving changes by `core.schedule`.
Reminders go at fixed offsets before each session (by default 24 hours and 1 hour).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.schedule import local_moment

FREQUENCIES = ("weekly", "fortnightly", "monthly")
LAST_WEEK = 5  # week_of_month 5 means "the last such weekday of the month"


@dataclass(frozen=True)
class Series:
    """When a series meets. `first` is the first session's local date."""

    frequency: str
    weekday: int  # 0 = Monday
    minute: int  # local minutes after midnight
    timezone: str
    first: date
    week_of_month: int = 1  # monthly only: 1-4, or 5 for the last

    @property
    def at(self) -> time:
        return time(self.minute // 60, self.minute % 60)


def first_date(frequency: str, weekday: int, week_of_month: int, today: date) -> date:
    """The first session date on or after `today` that fits the pattern."""
    if frequency == "monthly":
        month = date(today.year, today.month, 1)
        for _ in range(3):
            day = nth_weekday(month.year, month.month, weekday, week_of_month)
            if day >= today:
                return day
            month = (month + timedelta(days=32)).replace(day=1)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1-4) or last (5) given weekday of a month."""
    if nth >= LAST_WEEK:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def session_dates(series: Series, start: date) -> Iterator[date]:
    """Session dates from `start` on (the first date included if it is on or after `start`)."""
    if series.frequency == "monthly":
        year, month = series.first.year, series.first.month
        while True:
            day = nth_weekday(year, month, series.weekday, series.week_of_month)
            if day >= max(start, series.first):
                yield day
            month += 1
            if month > 12:
                year, month = year + 1, 1
    step = 7 if series.frequency == "weekly" else 14
    day = series.first
    if start > day:
        day += timedelta(days=((start - day).days + step - 1) // step * step)
    while True:
        yield day
        day += timedelta(days=step)


def session_moments(
    series: Series, after: datetime, skipped: Iterable[date] = (), limit: int = 60
) -> Iterator[datetime]:
    """Session start times (UTC) strictly after `after`, skipping the skipped dates."""
    zone = ZoneInfo(series.timezone)
    skip = set(skipped)
    start = (after.astimezone(zone) - timedelta(days=1)).date()
    for count, day in enumerate(session_dates(series, start)):
        if count > limit:
            return
        if day in skip:
            continue
        moment = local_moment(day, series.at, zone)
        if moment > after:
            yield moment


def next_reminder(
    series: Series,
    after: datetime,
    offsets: tuple[timedelta, ...],
    skipped: Iterable[date] = (),
) -> tuple[datetime, datetime] | None:
    """The first (session start, reminder time) whose reminder is strictly after `after`.

    A session whose offset moments have all passed is passed over; for a session created less
    than an offset before it starts, that offset's reminder is simply not due any more.
    """
    skip = list(skipped)
    for session in session_moments(series, after - max(offsets, default=timedelta()), skip):
        for offset in sorted(offsets, reverse=True):
            due = session - offset
            if due > after:
                return session, due
    return None


@dataclass(frozen=True)
class ClockNote:
    """A session date on which the chosen local time does not exist or happens twice."""

    day: date
    kind: str  # "gap" (moved forward to `shown`) or "overlap" (the first of the two)
    shown: str


def clock_changes(series: Series, start: date, days: int = 366) -> list[ClockNote]:
    """Upcoming session dates hit by a daylight-saving change, so the bot can say so."""
    zone = ZoneInfo(series.timezone)
    notes: list[ClockNote] = []
    end = start + timedelta(days=days)
    for day in session_dates(series, start):
        if day > end:
            break
        naive = datetime.combine(day, series.at)
        first = naive.replace(tzinfo=zone, fold=0)
        second = naive.replace(tzinfo=zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            continue
        moment = local_moment(day, series.at, zone)
        local = moment.astimezone(zone)
        if local.replace(tzinfo=None) != naive:
            notes.append(ClockNote(day, "gap", f"{local:%H:%M}"))
        else:
            notes.append(ClockNote(day, "overlap", f"{local:%H:%M}"))
    return notes


def utc_from(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
