"""Everything the bot keeps, behind a small repository API. No other package writes SQL."""

from storage.db import StorageError, connect
from storage.models import (
    Checkin,
    Group,
    Invite,
    JoinOutcome,
    Member,
    Nudge,
    Progress,
    Role,
    SupervisionSeries,
    WeeklyPrompt,
)
from storage.repo import Repository

__all__ = [
    "Checkin",
    "Group",
    "Invite",
    "JoinOutcome",
    "Member",
    "Nudge",
    "Progress",
    "Repository",
    "Role",
    "StorageError",
    "SupervisionSeries",
    "WeeklyPrompt",
    "connect",
]
