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
