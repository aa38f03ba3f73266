"""Plain records passed between the repository and the rest of the bot."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class Member:
    """A person who has agreed to the privacy notice. Times are Unix seconds, UTC."""

    user_id: int
    chat_id: int
    team_id: str
    role: Role
    language: str
    timezone: str
    consented_at: int
    last_seen_at: int
    active: bool = True


@dataclass(frozen=True)
class Invite:
    """An invite link's stored half: never the code itself, only its hash."""

    id: int
    team_id: str
    expires_at: int
    uses_left: int
    created_at: int


class JoinOutcome(enum.Enum):
    JOINED = "joined"
    ALREADY_MEMBER = "already_member"
    INVITE_INVALID = "invite_invalid"


@dataclass(frozen=True)
class Progress:
    """An unfinished check-in: where the person is and their structured answers so far."""

    user_id: int
    script: str
    step: int
    answers: dict[str, int | str]
    flags: frozenset[str]
    nonce: str
    paused: bool
    started_at: int
    updated_at: int


@dataclass(frozen=True)
class Checkin:
    """A completed check-in, as kept: structured answers and flags, never typed words."""

    id: int
    user_id: int
    team_id: str
    completed_at: int
    load: int | None
    answers: dict[str, int | str]
    flags: frozenset[str]
    contact_requested: bool


@dataclass(frozen=True)
class Nudge:
    """After-shift nudges: weekdays (bit 0 = Monday) and a local time in minutes."""

    user_id: int
    weekdays: int
    minute: int
    next_due_at: int


@dataclass(frozen=True)
class Group:
    """A team's shared reflection channel. `active` is False while the bot is not in it."""

    chat_id: int
    team_id: str
    linked_at: int
    active: bool


@dataclass(frozen=True)
class SupervisionSeries:
    """A recurring supervision session and where its reminders have got to."""

    id: int
    team_id: str
    frequency: str
    weekday: int
    week_of_month: int
    minute: int
    timezone: str
    first_date: str
    place: str
    created_at: int
    next_session_at: int | None
    next_reminder_at: int | None


@dataclass(frozen=True)
class WeeklyPrompt:
    team_id: str
    weekday: int
    minute: int
    next_due_at: int
    rotation: int
