"""The repository: the only place that reads or writes the database.

Handlers call these methods with plain values and get plain records back. Every method that
writes more than one row does so in one transaction, so a locked or full disk leaves nothing
half-written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

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


def _flags_text(flags: Iterable[str]) -> str:
    return ",".join(sorted(set(flags)))


def _flags(text: str) -> frozenset[str]:
    return frozenset(f for f in text.split(",") if f)


def _progress(row: aiosqlite.Row) -> Progress:
    return Progress(
        user_id=row["user_id"],
        script=row["script"],
        step=row["step"],
        answers=json.loads(row["answers"]),
        flags=_flags(row["flags"]),
        nonce=row["nonce"],
        paused=bool(row["paused"]),
        started_at=row["started_at"],
        updated_at=row["updated_at"],
    )


def _checkin(row: aiosqlite.Row) -> Checkin:
    return Checkin(
        id=row["id"],
        user_id=row["user_id"],
        team_id=row["team_id"],
        completed_at=row["completed_at"],
        load=row["load"],
        answers=json.loads(row["answers"]),
        flags=_flags(row["flags"]),
        contact_requested=bool(row["contact_requested"]),
    )


_SERIES_COLUMNS = (
    "id, team_id, frequency, weekday, week_of_month, minute, timezone, first_date, place, "
    "created_at, next_session_at, next_reminder_at"
)


def _series(row: aiosqlite.Row) -> SupervisionSeries:
    return SupervisionSeries(*(row[i] for i in range(12)))


def _group(row: aiosqlite.Row) -> Group:
    return Group(row["chat_id"], row["team_id"], row["linked_at"], bool(row["active"]))


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
        # One connection serves handlers, the periodic job and background broadcasts, which
        # run interleaved: the lock keeps a transaction's statements together, so one task's
        # write never lands inside (or is rolled back with) another task's transaction.
        self._lock = asyncio.Lock()

    @property
    def connection(self) -> aiosqlite.Connection:
        return self._conn

    async def close(self) -> None:
        """Close the connection; later calls fail, so this belongs in post_shutdown only."""
        await self._conn.close()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """All or nothing: an error rolls back every statement made inside."""
        async with self._lock:
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
        async with self._lock, self._conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def _changed(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write; how many rows it changed."""
        async with self._lock, self._conn.execute(sql, tuple(params)) as cur:
            return cur.rowcount

    async def _insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one insert; the new row's id."""
        async with self._lock, self._conn.execute(sql, tuple(params)) as cur:
            row_id = cur.lastrowid
        assert row_id is not None
        return row_id

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._lock, self._conn.execute(sql, tuple(params)) as cur:
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
        await self._changed(
            "UPDATE members SET last_seen_at = ?, active = 1 WHERE user_id = ?", (now, user_id)
        )

    async def set_role(self, user_id: int, role: Role) -> None:
        """Follow the config: a person added to or removed from a team's coordinators."""
        await self._changed("UPDATE members SET role = ? WHERE user_id = ?", (role.value, user_id))

    async def set_language(self, user_id: int, language: str) -> None:
        await self._changed(
            "UPDATE members SET language = ? WHERE user_id = ?", (language, user_id)
        )

    async def set_timezone(self, user_id: int, timezone: str) -> None:
        await self._changed(
            "UPDATE members SET timezone = ? WHERE user_id = ?", (timezone, user_id)
        )

    async def mark_inactive(self, user_id: int) -> None:
        """The person blocked the bot: keep their data, stop messaging them."""
        await self._changed("UPDATE members SET active = 0 WHERE user_id = ?", (user_id,))

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
        checkins = await self.checkins_since(user_id, 0)
        progress = await self.get_progress(user_id)
        nudge = await self.get_nudge(user_id)
        return {
            "checkins": [
                {
                    "completed_at": c.completed_at,
                    "load": c.load,
                    "answers": c.answers,
                    "flags": sorted(c.flags),
                    "asked_coordinator_to_contact": c.contact_requested,
                }
                for c in checkins
            ],
            "unfinished_checkin": None
            if progress is None
            else {
                "started_at": progress.started_at,
                "step": progress.step,
                "answers": progress.answers,
                "flags": sorted(progress.flags),
            },
            "nudges": None
            if nudge is None
            else {
                "weekdays": nudge.weekdays,
                "minute_of_day": nudge.minute,
                "next_at": nudge.next_due_at,
            },
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

    async def members_by_ids(self, user_ids: Iterable[int]) -> dict[int, Member]:
        ids = list(user_ids)
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = await self._all(
            f"SELECT {_MEMBER_COLUMNS} FROM members WHERE user_id IN ({marks})", ids
        )
        return {row["user_id"]: _member(row) for row in rows}

    async def count_members(self) -> int:
        row = await self._one("SELECT COUNT(*) FROM members")
        return int(row[0]) if row else 0

    # --- invites -------------------------------------------------------------------------------

    async def create_invite(
        self, code_hash: str, team_id: str, expires_at: int, uses: int, now: int
    ) -> Invite:
        """Store a new invite's hash; the code itself is shown once and never kept."""
        invite_id = await self._insert(
            "INSERT INTO invites (code_hash, team_id, expires_at, uses_left, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (code_hash, team_id, expires_at, uses, now),
        )
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
        return (
            await self._changed(
                f"DELETE FROM invites WHERE id = ? AND team_id IN ({marks})", (invite_id, *ids)
            )
            > 0
        )

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
            async with conn.execute(
                "DELETE FROM checkins WHERE completed_at < ?", (cutoff,)
            ) as cur:
                checkins = cur.rowcount
        return {"invites": invites, "members": members, "checkins": checkins}

    # --- check-ins -----------------------------------------------------------------------------

    async def get_progress(self, user_id: int) -> Progress | None:
        """The person's unfinished check-in, if any."""
        row = await self._one(
            "SELECT user_id, script, step, answers, flags, nonce, paused, started_at, "
            "updated_at FROM checkin_progress WHERE user_id = ?",
            (user_id,),
        )
        return _progress(row) if row else None

    async def save_progress(self, p: Progress) -> None:
        """Write where the person is, before the next question is sent."""
        await self._changed(
            "INSERT INTO checkin_progress (user_id, script, step, answers, flags, nonce, paused, "
            "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET script = excluded.script, step = excluded.step, "
            "answers = excluded.answers, flags = excluded.flags, nonce = excluded.nonce, "
            "paused = excluded.paused, started_at = excluded.started_at, "
            "updated_at = excluded.updated_at",
            (
                p.user_id,
                p.script,
                p.step,
                json.dumps(p.answers, sort_keys=True),
                _flags_text(p.flags),
                p.nonce,
                int(p.paused),
                p.started_at,
                p.updated_at,
            ),
        )

    async def update_progress(self, p: Progress) -> bool:
        """Move a check-in on, only if it is still the one under way (same nonce): one that
        expired or was cancelled meanwhile stays ended. False when it had ended."""
        changed = await self._changed(
            "UPDATE checkin_progress SET step = ?, answers = ?, flags = ?, paused = ?, "
            "updated_at = ? WHERE user_id = ? AND nonce = ?",
            (
                p.step,
                json.dumps(p.answers, sort_keys=True),
                _flags_text(p.flags),
                int(p.paused),
                p.updated_at,
                p.user_id,
                p.nonce,
            ),
        )
        return changed == 1

    async def delete_progress(self, user_id: int) -> bool:
        return await self._changed("DELETE FROM checkin_progress WHERE user_id = ?", (user_id,)) > 0

    async def idle_progress(self, idle_since: int) -> list[Progress]:
        """Unfinished check-ins untouched since `idle_since`: they have expired."""
        rows = await self._all(
            "SELECT user_id, script, step, answers, flags, nonce, paused, started_at, "
            "updated_at FROM checkin_progress WHERE updated_at < ? ORDER BY updated_at",
            (idle_since,),
        )
        return [_progress(r) for r in rows]

    async def complete_checkin(
        self,
        user_id: int,
        team_id: str,
        completed_at: int,
        load: int | None,
        answers: dict[str, int | str],
        flags: Iterable[str],
    ) -> int:
        """Keep the finished check-in and drop its progress, in one transaction."""
        async with self._transaction() as conn:
            async with conn.execute(
                "INSERT INTO checkins (user_id, team_id, completed_at, load, answers, flags) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user_id,
                    team_id,
                    completed_at,
                    load,
                    json.dumps(answers, sort_keys=True),
                    _flags_text(flags),
                ),
            ) as cur:
                checkin_id = cur.lastrowid
            await conn.execute("DELETE FROM checkin_progress WHERE user_id = ?", (user_id,))
        assert checkin_id is not None
        return checkin_id

    async def checkins_since(self, user_id: int, since: int) -> list[Checkin]:
        """The person's check-ins from `since` on, oldest first."""
        rows = await self._all(
            "SELECT id, user_id, team_id, completed_at, load, answers, flags, contact_requested "
            "FROM checkins WHERE user_id = ? AND completed_at >= ? ORDER BY completed_at, id",
            (user_id, since),
        )
        return [_checkin(r) for r in rows]

    async def get_checkin(self, checkin_id: int) -> Checkin | None:
        row = await self._one(
            "SELECT id, user_id, team_id, completed_at, load, answers, flags, contact_requested "
            "FROM checkins WHERE id = ?",
            (checkin_id,),
        )
        return _checkin(row) if row else None

    async def mark_contact_requested(self, checkin_id: int, user_id: int) -> bool:
        """Record the person's request once; False if it was already made (or not theirs)."""
        return (
            await self._changed(
                "UPDATE checkins SET contact_requested = 1 "
                "WHERE id = ? AND user_id = ? AND contact_requested = 0",
                (checkin_id, user_id),
            )
            == 1
        )

    async def unmark_contact_requested(self, checkin_id: int) -> None:
        """Undo the mark when no coordinator could be reached, so the person can try again."""
        await self._changed("UPDATE checkins SET contact_requested = 0 WHERE id = ?", (checkin_id,))

    # --- nudges --------------------------------------------------------------------------------

    async def get_nudge(self, user_id: int) -> Nudge | None:
        row = await self._one(
            "SELECT user_id, weekdays, minute, next_due_at FROM nudges WHERE user_id = ?",
            (user_id,),
        )
        return Nudge(row[0], row[1], row[2], row[3]) if row else None

    async def set_nudge(self, nudge: Nudge) -> None:
        await self._changed(
            "INSERT INTO nudges (user_id, weekdays, minute, next_due_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET weekdays = excluded.weekdays, "
            "minute = excluded.minute, next_due_at = excluded.next_due_at",
            (nudge.user_id, nudge.weekdays, nudge.minute, nudge.next_due_at),
        )

    async def delete_nudge(self, user_id: int) -> bool:
        return await self._changed("DELETE FROM nudges WHERE user_id = ?", (user_id,)) > 0

    async def due_nudges(self, now: int, limit: int = 500) -> list[tuple[Nudge, Member]]:
        """Nudges whose time has come, with their person, oldest first."""
        rows = await self._all(
            "SELECT n.user_id AS n_user, n.weekdays, n.minute, n.next_due_at, "
            f"{', '.join('m.' + c.strip() for c in _MEMBER_COLUMNS.split(','))} "
            "FROM nudges n JOIN members m ON m.user_id = n.user_id "
            "WHERE n.next_due_at <= ? ORDER BY n.next_due_at LIMIT ?",
            (now, limit),
        )
        return [
            (Nudge(r["n_user"], r["weekdays"], r["minute"], r["next_due_at"]), _member(r))
            for r in rows
        ]

    async def advance_nudge(self, user_id: int, due_at: int, next_due_at: int) -> bool:
        """Move a nudge on to its next time; False if another run already did (never twice)."""
        return (
            await self._changed(
                "UPDATE nudges SET next_due_at = ? WHERE user_id = ? AND next_due_at = ?",
                (next_due_at, user_id, due_at),
            )
            == 1
        )

    # --- team members ---------------------------------------------------------------------

    async def active_members(self, team_id: str) -> list[Member]:
        """Everyone in the team who has not blocked the bot: a broadcast's recipients."""
        rows = await self._all(
            f"SELECT {_MEMBER_COLUMNS} FROM members WHERE team_id = ? AND active = 1 "
            "ORDER BY user_id",
            (team_id,),
        )
        return [_member(r) for r in rows]

    async def team_checkins(self, team_id: str, since: int) -> list[Checkin]:
        """The team's check-ins from `since` on, for anonymised figures only."""
        rows = await self._all(
            "SELECT id, user_id, team_id, completed_at, load, answers, flags, contact_requested "
            "FROM checkins WHERE team_id = ? AND completed_at >= ? ORDER BY completed_at",
            (team_id, since),
        )
        return [_checkin(r) for r in rows]

    # --- groups ------------------------------------------------------------------------------

    async def link_group(self, chat_id: int, team_id: str, now: int) -> None:
        """Make this chat the team's reflection group (a team has one; linking moves it)."""
        async with self._transaction() as conn:
            await conn.execute(
                "DELETE FROM groups WHERE team_id = ? AND chat_id != ?", (team_id, chat_id)
            )
            await conn.execute(
                "INSERT INTO groups (chat_id, team_id, linked_at, active) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (chat_id) DO UPDATE SET team_id = excluded.team_id, "
                "linked_at = excluded.linked_at, active = 1",
                (chat_id, team_id, now),
            )

    async def unlink_group(self, chat_id: int) -> bool:
        return await self._changed("DELETE FROM groups WHERE chat_id = ?", (chat_id,)) > 0

    async def get_group(self, chat_id: int) -> Group | None:
        row = await self._one(
            "SELECT chat_id, team_id, linked_at, active FROM groups WHERE chat_id = ?", (chat_id,)
        )
        return _group(row) if row else None

    async def group_for_team(self, team_id: str) -> Group | None:
        row = await self._one(
            "SELECT chat_id, team_id, linked_at, active FROM groups WHERE team_id = ?", (team_id,)
        )
        return _group(row) if row else None

    async def set_group_active(self, chat_id: int, active: bool) -> None:
        """The bot left (or came back to) the group: schedules stay, sending pauses."""
        await self._changed(
            "UPDATE groups SET active = ? WHERE chat_id = ?", (int(active), chat_id)
        )

    async def migrate_group(self, old_chat_id: int, new_chat_id: int) -> bool:
        """The group became a supergroup with a new id; everything tied to it follows."""
        return (
            await self._changed(
                "UPDATE groups SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
            > 0
        )

    # --- supervision -----------------------------------------------------------------------

    async def add_series(
        self,
        team_id: str,
        frequency: str,
        weekday: int,
        week_of_month: int,
        minute: int,
        timezone: str,
        first_date: str,
        place: str,
        now: int,
    ) -> int:
        series_id = await self._insert(
            "INSERT INTO supervision_series (team_id, frequency, weekday, week_of_month, minute, "
            "timezone, first_date, place, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (team_id, frequency, weekday, week_of_month, minute, timezone, first_date, place, now),
        )
        return series_id

    async def update_series(
        self,
        series_id: int,
        frequency: str,
        weekday: int,
        week_of_month: int,
        minute: int,
        timezone: str,
        first_date: str,
        place: str,
    ) -> None:
        await self._changed(
            "UPDATE supervision_series SET frequency = ?, weekday = ?, week_of_month = ?, "
            "minute = ?, timezone = ?, first_date = ?, place = ? WHERE id = ?",
            (frequency, weekday, week_of_month, minute, timezone, first_date, place, series_id),
        )

    async def get_series(self, series_id: int) -> SupervisionSeries | None:
        row = await self._one(
            f"SELECT {_SERIES_COLUMNS} FROM supervision_series WHERE id = ?", (series_id,)
        )
        return _series(row) if row else None

    async def series_for_team(self, team_id: str) -> list[SupervisionSeries]:
        rows = await self._all(
            f"SELECT {_SERIES_COLUMNS} FROM supervision_series WHERE team_id = ? ORDER BY id",
            (team_id,),
        )
        return [_series(r) for r in rows]

    async def delete_series(self, series_id: int, team_id: str) -> bool:
        async with self._transaction() as conn:
            async with conn.execute(
                "DELETE FROM supervision_series WHERE id = ? AND team_id = ?",
                (series_id, team_id),
            ) as cur:
                deleted = cur.rowcount > 0
            if deleted:
                await conn.execute(
                    "DELETE FROM agenda_topics WHERE team_id = ? AND session_at NOT IN "
                    "(SELECT next_session_at FROM supervision_series WHERE team_id = ? "
                    "AND next_session_at IS NOT NULL)",
                    (team_id, team_id),
                )
        return deleted

    async def set_series_next(
        self, series_id: int, session_at: int | None, reminder_at: int | None
    ) -> None:
        await self._changed(
            "UPDATE supervision_series SET next_session_at = ?, next_reminder_at = ? WHERE id = ?",
            (session_at, reminder_at, series_id),
        )

    async def advance_series(
        self, series_id: int, due_at: int, session_at: int | None, reminder_at: int | None
    ) -> bool:
        """Move a series on to its next reminder; False if another run already did."""
        return (
            await self._changed(
                "UPDATE supervision_series SET next_session_at = ?, next_reminder_at = ? "
                "WHERE id = ? AND next_reminder_at = ?",
                (session_at, reminder_at, series_id, due_at),
            )
            == 1
        )

    async def due_series(self, now: int, limit: int = 500) -> list[SupervisionSeries]:
        rows = await self._all(
            f"SELECT {_SERIES_COLUMNS} FROM supervision_series "
            "WHERE next_reminder_at IS NOT NULL AND next_reminder_at <= ? "
            "ORDER BY next_reminder_at LIMIT ?",
            (now, limit),
        )
        return [_series(r) for r in rows]

    async def add_skip(self, series_id: int, day: str) -> None:
        await self._changed(
            "INSERT OR IGNORE INTO supervision_skips (series_id, day) VALUES (?, ?)",
            (series_id, day),
        )

    async def skipped_days(self, series_id: int) -> list[str]:
        rows = await self._all(
            "SELECT day FROM supervision_skips WHERE series_id = ? ORDER BY day", (series_id,)
        )
        return [r[0] for r in rows]

    async def set_rsvp(self, series_id: int, session_at: int, voter: str, going: bool) -> None:
        """One answer per person per session; a new answer replaces the old one."""
        await self._changed(
            "INSERT INTO rsvps (series_id, session_at, voter, going) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (series_id, session_at, voter) DO UPDATE SET going = excluded.going",
            (series_id, session_at, voter, int(going)),
        )

    async def delete_rsvp(self, series_id: int, session_at: int, voter: str) -> int:
        return await self._changed(
            "DELETE FROM rsvps WHERE series_id = ? AND session_at = ? AND voter = ?",
            (series_id, session_at, voter),
        )

    async def rsvp_counts(self, series_id: int, session_at: int) -> tuple[int, int]:
        """(going, can't make it) for one session: counts only, never who."""
        row = await self._one(
            "SELECT COALESCE(SUM(going), 0), COALESCE(SUM(1 - going), 0) FROM rsvps "
            "WHERE series_id = ? AND session_at = ?",
            (series_id, session_at),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def add_topic(self, team_id: str, session_at: int, topic: str, now: int) -> int:
        topic_id = await self._insert(
            "INSERT INTO agenda_topics (team_id, session_at, topic, added_at) VALUES (?, ?, ?, ?)",
            (team_id, session_at, topic, now),
        )
        return topic_id

    async def topics(self, team_id: str, session_at: int) -> list[str]:
        rows = await self._all(
            "SELECT topic FROM agenda_topics WHERE team_id = ? AND session_at = ? ORDER BY id",
            (team_id, session_at),
        )
        return [r[0] for r in rows]

    async def purge_past_sessions(self, now: int) -> dict[str, int]:
        """Topics and RSVPs of sessions that have started: they have done their job."""
        async with self._transaction() as conn:
            async with conn.execute(
                "DELETE FROM agenda_topics WHERE session_at <= ?", (now,)
            ) as cur:
                topics = cur.rowcount
            async with conn.execute("DELETE FROM rsvps WHERE session_at <= ?", (now,)) as cur:
                rsvps = cur.rowcount
        return {"topics": topics, "rsvps": rsvps}

    # --- weekly prompts ----------------------------------------------------------------------

    async def set_weekly_prompt(self, prompt: WeeklyPrompt) -> None:
        await self._changed(
            "INSERT INTO weekly_prompts (team_id, weekday, minute, next_due_at, rotation) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id) DO UPDATE SET "
            "weekday = excluded.weekday, minute = excluded.minute, "
            "next_due_at = excluded.next_due_at",
            (prompt.team_id, prompt.weekday, prompt.minute, prompt.next_due_at, prompt.rotation),
        )

    async def get_weekly_prompt(self, team_id: str) -> WeeklyPrompt | None:
        row = await self._one(
            "SELECT team_id, weekday, minute, next_due_at, rotation FROM weekly_prompts "
            "WHERE team_id = ?",
            (team_id,),
        )
        return WeeklyPrompt(*(row[i] for i in range(5))) if row else None

    async def delete_weekly_prompt(self, team_id: str) -> bool:
        return await self._changed("DELETE FROM weekly_prompts WHERE team_id = ?", (team_id,)) > 0

    async def due_weekly_prompts(self, now: int) -> list[WeeklyPrompt]:
        rows = await self._all(
            "SELECT team_id, weekday, minute, next_due_at, rotation FROM weekly_prompts "
            "WHERE next_due_at <= ? ORDER BY next_due_at",
            (now,),
        )
        return [WeeklyPrompt(*(r[i] for i in range(5))) for r in rows]

    async def advance_weekly_prompt(
        self, team_id: str, due_at: int, next_due_at: int, rotation: int
    ) -> bool:
        return (
            await self._changed(
                "UPDATE weekly_prompts SET next_due_at = ?, rotation = ? "
                "WHERE team_id = ? AND next_due_at = ?",
                (next_due_at, rotation, team_id, due_at),
            )
            == 1
        )
