"""Anonymised team figures, with k-anonymity: any figure drawn from fewer than K distinct
people is withheld, so no one can be picked out. Never anything per person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

K = 5
WEEKS = 8


@dataclass(frozen=True)
class Entry:
    """One check-in as figures see it: who only as an opaque key, never shown."""

    person: int
    completed_at: int
    load: int | None
    flagged: bool


@dataclass
class Week:
    start: date
    checkins: int
    people: int
    flagged: int = 0
    withheld: bool = False


@dataclass
class Figures:
    weeks: list[Week]
    people: int
    checkins: int
    flagged_share: float | None  # None: withheld
    loads: list[int] | None  # a count for each load 0-10; None: withheld
    withheld_weeks: int = field(default=0)

    @property
    def all_withheld(self) -> bool:
        return self.people < K


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def team_figures(
    entries: Iterable[Entry], today: date, zone: ZoneInfo, k: int = K, weeks: int = WEEKS
) -> Figures:
    """Weekly counts for the last `weeks` weeks (Monday-start, in the team's zone), the share
    of flagged check-ins and the load distribution, each withheld below k people."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    by_week: dict[date, list[Entry]] = {first + timedelta(weeks=i): [] for i in range(weeks)}
    chosen: list[Entry] = []
    for e in entries:
        day = datetime.fromtimestamp(e.completed_at, UTC).astimezone(zone).date()
        start = week_start(day)
        if start in by_week:
            by_week[start].append(e)
            chosen.append(e)
    rows = []
    shown: list[Entry] = []
    for start, items in sorted(by_week.items()):
        who = len({e.person for e in items})
        if 0 < who < k:  # withheld: not even the count is shown
            rows.append(Week(start, 0, 0, 0, withheld=True))
        else:
            rows.append(Week(start, len(items), who, sum(1 for e in items if e.flagged)))
            shown.extend(items)
    # Totals, shares and the distribution come from shown weeks only: otherwise a withheld
    # week could be worked out by subtracting the shown ones from the total.
    chosen = shown
    people = len({e.person for e in chosen})
    enough = people >= k
    loads = [e.load for e in chosen if e.load is not None]
    distribution = [loads.count(n) for n in range(11)] if enough and loads else None
    share = (sum(1 for e in chosen if e.flagged) / len(chosen)) if enough and chosen else None
    return Figures(
        rows,
        people,
        len(chosen) if enough else 0,
        share,
        distribution,
        sum(1 for r in rows if r.withheld),
    )
