"""Everything the bot keeps, behind a small repository API. No other package writes SQL."""

from storage.db import StorageError, connect
from storage.models import Invite, JoinOutcome, Member, Role
from storage.repo import Repository

__all__ = ["Invite", "JoinOutcome", "Member", "Repository", "Role", "StorageError", "connect"]
