"""Calendar arithmetic for reminders: the next local time on chosen weekdays, in UTC.

Local times are what people mean ("after my Tuesday shift at 17:30"), so each occurrence is
computed in the person's zone. A time that does not exist on a spring-forward day moves forward
by the gap (01:30 becomes 02:30 in London); a time that happens twice on a fall-back day is
taken the first time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# German two-letter days (Mo, Di, ...) are accepted too; "Montag"[:3] is already "mon".
WEEKDAYS_DE = ("mo", "di", "mi", "do", "fr", "sa", "so")
ALL_DAYS = 0b111_1111


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`at` on `day` in `zone`, as an aware UTC datetime, resolving DST gaps and overlaps."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    as_utc = first.astimezone(UTC)
    # A time in a gap does not round-trip: move it forward by the gap's length.
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        later = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
        return max(as_utc, later)
    return as_utc


def next_occurrence(after: datetime, weekdays: int, at: time, zone: ZoneInfo) -> datetime | None:
    """The first moment strictly after `after` that falls on one of `weekdays` (bit 0 = Monday)
    at local time `at`; None when no weekday is chosen."""
    if not weekdays & ALL_DAYS:
        return None
    start = after.astimezone(zone).date()
    for offset in range(0, 9):
        day = start + timedelta(days=offset)
        if not weekdays & (1 << day.weekday()):
            continue
        moment = local_moment(day, at, zone)
        if moment > after:
            return moment
    return None  # unreachable with at least one weekday set


def weekday_mask(names: list[str]) -> int:
    """'mon', 'tue', ... to a bit mask; ValueError names the first unknown day."""
    mask = 0
    for name in names:
        first, dash, last = name.strip().lower().partition("-")
        if dash:  # a range such as "mon-fri" or "Mo-Fr", wrapping past Sunday if need be
            start, end = _day(first, name), _day(last, name)
            day = start
            while True:
                mask |= 1 << day
                if day == end:
                    break
                day = (day + 1) % 7
        else:
            mask |= 1 << _day(first, name)
    return mask


def _day(word: str, name: str) -> int:
    if word[:3] in WEEKDAYS:
        return WEEKDAYS.index(word[:3])
    if len(word) >= 2 and word[:2] in WEEKDAYS_DE:
        return WEEKDAYS_DE.index(word[:2])
    raise ValueError(name)


def mask_days(mask: int) -> list[int]:
    """The weekday numbers (0 = Monday) in a mask."""
    return [i for i in range(7) if mask & (1 << i)]
