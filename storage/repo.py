"""The repository: the only place that reads or writes the database.

Handlers call these methods with plain values and get plain records back. Every method that
writes more than one row does so in one transaction, so a locked or full disk leaves nothing
half-written.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from storage.models import Invite, JoinOutcome, Member, Role

_MEMBER_COLUMNS = (
    "user_id, chat_id, team_id, role, language, timezone, consented_at, last_seen_at, active"
)
_INVITE_COLUMNS = "id, team_id, expires_at, uses_left, created_at"


def _member(row: aiosqlite.Row) -> Member:
    return Member(
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        team_id=row["team_id"],
        role=Role(row["role"]),
        language=row["language"],
        timezone=row["timezone"],
        consented_at=row["consented_at"],
        last_seen_at=row["last_seen_at"] if row["last_seen_at"] is not None else 0,
        active=bool(row["active"]),
    )


def _invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        id=row["id"],
        team_id=row["team_id"],
        expires_at=row["expires_at"],
        uses_left=row["uses_left"],
        created_at=row["created_at"],
    )


class Repository:
    """A typed API over one open connection. Times are Unix seconds, UTC."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    async def close(self) -> None:
        """Close the connection; later calls fail, so this belongs in post_shutdown only."""
        await self._conn.close()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """All or nothing: an error rolls back every statement made inside."""
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            # A failing rollback means SQLite already rolled back on its own.
            with contextlib.suppress(sqlite3.Error):
                await self._conn.execute("ROLLBACK")
            raise
        else:
            await self._conn.execute("COMMIT")

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    # --- members -------------------------------------------------------------------------------

    async def get_member(self, user_id: int) -> Member | None:
        """The stored person, or None for a stranger or someone who erased their data."""
        row = await self._one(
            f"SELECT {_MEMBER_COLUMNS} FROM members WHERE user_id = ?", (user_id,)
        )
        return _member(row) if row else None

    async def add_coordinator(self, member: Member) -> JoinOutcome:
        """Store a coordinator who agreed to the notice; the config, not an invite, lets them in."""
        async with self._transaction() as conn:
            if await self._member_exists(conn, member.user_id):
                return JoinOutcome.ALREADY_MEMBER
            await self._insert_member(conn, member)
        return JoinOutcome.JOINED

    async def join_with_invite(self, invite_id: int, member: Member, now: int) -> JoinOutcome:
        """Use one of the invite's places and store the person, or neither.

        The invite is checked again inside the transaction: it may have expired, been revoked
        or used up between the person opening the link and pressing *I agree*.
        """
        async with self._transaction() as conn:
            if await self._member_exists(conn, member.user_id):
                return JoinOutcome.ALREADY_MEMBER
            async with conn.execute(
                "UPDATE invites SET uses_left = uses_left - 1 "
                "WHERE id = ? AND team_id = ? AND uses_left > 0 AND expires_at > ?",
                (invite_id, member.team_id, now),
            ) as cur:
                if cur.rowcount != 1:
                    return JoinOutcome.INVITE_INVALID
            await self._insert_member(conn, member)
        return JoinOutcome.JOINED

    @staticmethod
    async def _member_exists(conn: aiosqlite.Connection, user_id: int) -> bool:
        async with conn.execute("SELECT 1 FROM members WHERE user_id = ?", (user_id,)) as cur:
            return await cur.fetchone() is not None

    @staticmethod
    async def _insert_member(conn: aiosqlite.Connection, m: Member) -> None:
        await conn.execute(
            f"INSERT INTO members ({_MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.user_id,
                m.chat_id,
                m.team_id,
                m.role.value,
                m.language,
                m.timezone,
                m.consented_at,
                m.last_seen_at,
                int(m.active),
            ),
        )

    async def touch_member(self, user_id: int, now: int) -> None:
        """Record that the person used the bot, which keeps their data from inactivity purge
        and marks them reachable again if they had blocked the bot and came back."""
        await self._conn.execute(
            "UPDATE members SET last_seen_at = ?, active = 1 WHERE user_id = ?", (now, user_id)
        )

    async def set_role(self, user_id: int, role: Role) -> None:
        """Follow the config: a person added to or removed from a team's coordinators."""
        await self._conn.execute(
            "UPDATE members SET role = ? WHERE user_id = ?", (role.value, user_id)
        )

    async def set_language(self, user_id: int, language: str) -> None:
        await self._conn.execute(
            "UPDATE members SET language = ? WHERE user_id = ?", (language, user_id)
        )

    async def set_timezone(self, user_id: int, timezone: str) -> None:
        await self._conn.execute(
            "UPDATE members SET timezone = ? WHERE user_id = ?", (timezone, user_id)
        )

    async def mark_inactive(self, user_id: int) -> None:
        """The person blocked the bot: keep their data, stop messaging them."""
        await self._conn.execute("UPDATE members SET active = 0 WHERE user_id = ?", (user_id,))

    async def forget_member(self, user_id: int) -> bool:
        """Erase every row about the person; False when there was nothing to erase."""
        async with (
            self._transaction() as conn,
            conn.execute("DELETE FROM members WHERE user_id = ?", (user_id,)) as cur,
        ):
            return cur.rowcount > 0

    async def export_member(self, user_id: int) -> dict[str, Any] | None:
        """Everything stored about the person, as plain JSON-ready values."""
        member = await self.get_member(user_id)
        if member is None:
            return None
        return {
            "member": {
                "telegram_user_id": member.user_id,
                "private_chat_id": member.chat_id,
                "team": member.team_id,
                "role": member.role.value,
                "language": member.language,
                "timezone": member.timezone,
                "consented_at": member.consented_at,
                "last_seen_at": member.last_seen_at,
                "active": member.active,
            },
        }

    async def count_members(self) -> int:
        row = await self._one("SELECT COUNT(*) FROM members")
        return int(row[0]) if row else 0

    # --- invites -------------------------------------------------------------------------------

    async def create_invite(
        self, code_hash: str, team_id: str, expires_at: int, uses: int, now: int
    ) -> Invite:
        """Store a new invite's hash; the code itself is shown once and never kept."""
        async with self._conn.execute(
            "INSERT INTO invites (code_hash, team_id, expires_at, uses_left, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (code_hash, team_id, expires_at, uses, now),
        ) as cur:
            invite_id = cur.lastrowid
        assert invite_id is not None
        return Invite(invite_id, team_id, expires_at, uses, now)

    async def find_usable_invite(self, code_hash: str, now: int) -> Invite | None:
        """The invite behind a code if it can still let someone in."""
        row = await self._one(
            f"SELECT {_INVITE_COLUMNS} FROM invites "
            "WHERE code_hash = ? AND uses_left > 0 AND expires_at > ?",
            (code_hash, now),
        )
        return _invite(row) if row else None

    async def get_invite(self, invite_id: int) -> Invite | None:
        row = await self._one(f"SELECT {_INVITE_COLUMNS} FROM invites WHERE id = ?", (invite_id,))
        return _invite(row) if row else None

    async def list_invites(self, team_ids: Iterable[str], now: int) -> list[Invite]:
        """Invites of these teams that can still be used, newest first."""
        ids = list(team_ids)
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = await self._all(
            f"SELECT {_INVITE_COLUMNS} FROM invites WHERE team_id IN ({marks}) "
            "AND uses_left > 0 AND expires_at > ? ORDER BY id DESC",
            (*ids, now),
        )
        return [_invite(r) for r in rows]

    async def revoke_invite(self, invite_id: int, team_ids: Iterable[str]) -> bool:
        """Delete an invite of one of these teams; a coordinator cannot touch another team's."""
        ids = list(team_ids)
        if not ids:
            return False
        marks = ", ".join("?" for _ in ids)
        async with self._conn.execute(
            f"DELETE FROM invites WHERE id = ? AND team_id IN ({marks})", (invite_id, *ids)
        ) as cur:
            return cur.rowcount > 0

    # --- retention -----------------------------------------------------------------------------

    async def purge(self, now: int, retention_days: int) -> dict[str, int]:
        """Delete what has outlived its purpose: spent or expired invites, and people who have
        not used the bot for the retention period. Returns counts for the log (no ids)."""
        cutoff = now - retention_days * 86_400
        async with self._transaction() as conn:
            async with conn.execute(
                "DELETE FROM invites WHERE expires_at <= ? OR uses_left <= 0", (now,)
            ) as cur:
                invites = cur.rowcount
            async with conn.execute(
                "DELETE FROM members WHERE COALESCE(last_seen_at, consented_at) < ?", (cutoff,)
            ) as cur:
                members = cur.rowcount
        return {"invites": invites, "members": members}
