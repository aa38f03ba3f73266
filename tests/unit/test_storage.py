"""Migrations and the repository, against a real SQLite file."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import aiosqlite
import pytest

from storage import JoinOutcome, Member, Repository, Role, StorageError, connect
from storage.db import schema_version
from storage.invite_codes import hash_code, is_well_formed, new_code
from storage.migrations import LATEST_VERSION, MIGRATIONS

NOW = 1_790_000_000
DAY = 86_400


def member(user_id: int = 1, team: str = "north", role: Role = Role.MEMBER) -> Member:
    return Member(
        user_id=user_id,
        chat_id=user_id,
        team_id=team,
        role=role,
        language="en",
        timezone="Europe/London",
        consented_at=NOW,
        last_seen_at=NOW,
    )


@pytest.fixture
async def repo(tmp_path: Path) -> Repository:
    repository = Repository(await connect(tmp_path / "db.sqlite3"))
    yield repository  # type: ignore[misc]
    await repository.close()


async def test_new_database_is_at_latest_schema_with_safe_settings(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "db.sqlite3")
    try:
        assert await schema_version(conn) == LATEST_VERSION
        pragmas = {}
        for name in ("journal_mode", "synchronous", "foreign_keys"):
            async with conn.execute(f"PRAGMA {name}") as cur:
                pragmas[name] = (await cur.fetchone())[0]
        assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    finally:
        await conn.close()


async def test_version_1_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(MIGRATIONS[0])
        old.execute("PRAGMA user_version = 1")
        old.execute(
            "INSERT INTO members VALUES (1, 1, 'north', 'member', 'en', 'Europe/London', ?)", (NOW,)
        )
        old.execute(
            "INSERT INTO invites (code_hash, team_id, expires_at, uses_left, created_at)"
            " VALUES ('h', 'north', ?, 3, ?)",
            (NOW + DAY, NOW),
        )
    old.close()
    repo = Repository(await connect(path))
    try:
        assert await schema_version(repo.connection) == LATEST_VERSION
        kept = await repo.get_member(1)
        assert kept is not None
        assert kept.last_seen_at == NOW  # filled from the consent time
        assert kept.active is True
        assert (await repo.find_usable_invite("h", NOW)) is not None
    finally:
        await repo.close()


async def test_database_newer_than_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as future:
        future.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    future.close()
    with pytest.raises(StorageError, match="newer than this program"):
        await connect(path)


async def test_failed_migration_leaves_the_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "clash.sqlite3"
    with sqlite3.connect(path) as clash:
        clash.executescript(MIGRATIONS[0])
        clash.execute("CREATE INDEX members_team ON members (team_id)")  # migration 2 makes it
        clash.execute("PRAGMA user_version = 1")
    clash.close()
    with pytest.raises(sqlite3.OperationalError):
        await connect(path)
    with sqlite3.connect(path) as after:
        assert after.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [r[1] for r in after.execute("PRAGMA table_info(members)")]
    after.close()
    assert "last_seen_at" not in columns


def test_invite_codes_are_random_url_safe_and_hashed() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(is_well_formed(c) and len(c) <= 64 for c in codes)
    code = next(iter(codes))
    assert hash_code(code) == hash_code(code)
    assert code not in hash_code(code)
    assert len(hash_code(code)) == 64


@pytest.mark.parametrize("code", ["", "a" * 65, "abc def", "abc;DROP", "ü", "a/b", "a\nb"])
def test_malformed_codes_are_rejected_before_lookup(code: str) -> None:
    assert not is_well_formed(code)


async def test_invite_lets_people_in_until_used_up(repo: Repository) -> None:
    invite = await repo.create_invite(hash_code("c1"), "north", NOW + DAY, 2, NOW)
    assert (await repo.find_usable_invite(hash_code("c1"), NOW)) == invite
    assert await repo.join_with_invite(invite.id, member(1), NOW) is JoinOutcome.JOINED
    assert await repo.join_with_invite(invite.id, member(2), NOW) is JoinOutcome.JOINED
    assert await repo.join_with_invite(invite.id, member(3), NOW) is JoinOutcome.INVITE_INVALID
    assert await repo.get_member(3) is None
    assert await repo.find_usable_invite(hash_code("c1"), NOW) is None
    assert await repo.count_members() == 2


async def test_invite_expires(repo: Repository) -> None:
    invite = await repo.create_invite(hash_code("c2"), "north", NOW + DAY, 5, NOW)
    assert await repo.find_usable_invite(hash_code("c2"), NOW + DAY - 1) is not None
    assert await repo.find_usable_invite(hash_code("c2"), NOW + DAY) is None
    outcome = await repo.join_with_invite(invite.id, member(1), NOW + DAY)
    assert outcome is JoinOutcome.INVITE_INVALID
    assert await repo.count_members() == 0


async def test_invite_for_another_team_does_not_let_in(repo: Repository) -> None:
    invite = await repo.create_invite(hash_code("c3"), "north", NOW + DAY, 5, NOW)
    outcome = await repo.join_with_invite(invite.id, member(1, team="south"), NOW)
    assert outcome is JoinOutcome.INVITE_INVALID


async def test_joining_twice_uses_one_place(repo: Repository) -> None:
    invite = await repo.create_invite(hash_code("c4"), "north", NOW + DAY, 5, NOW)
    assert await repo.join_with_invite(invite.id, member(1), NOW) is JoinOutcome.JOINED
    assert await repo.join_with_invite(invite.id, member(1), NOW) is JoinOutcome.ALREADY_MEMBER
    assert (await repo.get_invite(invite.id)).uses_left == 4  # type: ignore[union-attr]


async def test_revoking_is_limited_to_own_teams(repo: Repository) -> None:
    invite = await repo.create_invite(hash_code("c5"), "north", NOW + DAY, 5, NOW)
    assert await repo.revoke_invite(invite.id, ["south"]) is False
    assert await repo.revoke_invite(invite.id, []) is False
    assert await repo.revoke_invite(invite.id, ["north"]) is True
    assert await repo.find_usable_invite(hash_code("c5"), NOW) is None
    assert await repo.list_invites(["north"], NOW) == []


async def test_list_shows_only_usable_invites_newest_first(repo: Repository) -> None:
    old = await repo.create_invite(hash_code("a"), "north", NOW + DAY, 5, NOW)
    await repo.create_invite(hash_code("b"), "north", NOW - 1, 5, NOW - DAY)  # expired
    await repo.create_invite(hash_code("c"), "south", NOW + DAY, 5, NOW)  # other team
    new = await repo.create_invite(hash_code("d"), "north", NOW + 2 * DAY, 1, NOW)
    assert [i.id for i in await repo.list_invites(["north"], NOW)] == [new.id, old.id]


async def test_forget_erases_the_person(repo: Repository) -> None:
    await repo.add_coordinator(member(1, role=Role.COORDINATOR))
    assert await repo.forget_member(1) is True
    assert await repo.get_member(1) is None
    assert await repo.export_member(1) is None
    assert await repo.forget_member(1) is False


async def test_export_holds_every_stored_field(repo: Repository) -> None:
    await repo.add_coordinator(member(7))
    exported = await repo.export_member(7)
    assert exported is not None
    assert exported["checkins"] == []
    assert exported["unfinished_checkin"] is None
    assert exported["nudges"] is None
    assert {"member": exported["member"]} == {
        "member": {
            "telegram_user_id": 7,
            "private_chat_id": 7,
            "team": "north",
            "role": "member",
            "language": "en",
            "timezone": "Europe/London",
            "consented_at": NOW,
            "last_seen_at": NOW,
            "active": True,
        }
    }
    stored_columns = {
        r[1] for r in await (await repo.connection.execute("PRAGMA table_info(members)")).fetchall()
    }
    assert len(stored_columns) == len(exported["member"])


async def test_purge_removes_expired_invites_and_inactive_people(repo: Repository) -> None:
    await repo.create_invite(hash_code("live"), "north", NOW + DAY, 5, NOW)
    await repo.create_invite(hash_code("dead"), "north", NOW - 1, 5, NOW - DAY)
    await repo.add_coordinator(replace(member(1), last_seen_at=NOW - 91 * DAY))
    await repo.add_coordinator(replace(member(2), last_seen_at=NOW - 89 * DAY))
    counts = await repo.purge(NOW, retention_days=90)
    assert counts == {"invites": 1, "members": 1, "checkins": 0}
    assert await repo.get_member(1) is None
    assert await repo.get_member(2) is not None


async def test_blocked_member_is_marked_inactive_then_active_again(repo: Repository) -> None:
    await repo.add_coordinator(member(1))
    await repo.mark_inactive(1)
    assert (await repo.get_member(1)).active is False  # type: ignore[union-attr]
    await repo.touch_member(1, NOW + 5)
    again = await repo.get_member(1)
    assert again is not None
    assert again.active
    assert again.last_seen_at == NOW + 5


async def test_a_failed_transaction_leaves_nothing_half_written(repo: Repository) -> None:
    invite = await repo.create_invite(hash_code("t"), "north", NOW + DAY, 5, NOW)
    broken = replace(member(1), role="nobody")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        await repo.join_with_invite(invite.id, broken, NOW)
    assert (await repo.get_invite(invite.id)).uses_left == 5  # type: ignore[union-attr]
    assert await repo.count_members() == 0


async def test_locked_database_surfaces_as_operational_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    repo = Repository(await connect(path))
    await repo.connection.execute("PRAGMA busy_timeout = 50")
    blocker = await aiosqlite.connect(str(path), isolation_level=None)
    try:
        await blocker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await repo.add_coordinator(member(1))
        await blocker.execute("ROLLBACK")
        assert await repo.get_member(1) is None
    finally:
        await blocker.close()
        await repo.close()


async def test_rsvp_counts_follow_changed_answers(repo: Repository) -> None:
    series = await repo.add_series(
        "north", "weekly", 1, 1, 840, "Europe/London", "2026-11-24", "", NOW
    )
    session = NOW + DAY
    assert await repo.rsvp_counts(series, session) == (0, 0)
    await repo.set_rsvp(series, session, "code-a", going=True)
    await repo.set_rsvp(series, session, "code-b", going=True)
    await repo.set_rsvp(series, session, "code-c", going=False)
    assert await repo.rsvp_counts(series, session) == (2, 1)
    await repo.set_rsvp(series, session, "code-a", going=False)  # a changed answer
    assert await repo.rsvp_counts(series, session) == (1, 2)
    assert await repo.rsvp_counts(series, session + 7 * DAY) == (0, 0), "per session"
    assert (await repo.purge_past_sessions(session))["rsvps"] == 3
    assert await repo.rsvp_counts(series, session) == (0, 0)


async def test_due_series_query_finds_only_what_is_due_oldest_first(repo: Repository) -> None:
    ids = []
    for offset in (-600, 60, -30, 3600):
        series = await repo.add_series(
            "north", "weekly", 1, 1, 840, "Europe/London", "2026-11-24", "", NOW
        )
        await repo.set_series_next(series, NOW + offset + 3600, NOW + offset)
        ids.append(series)
    cancelled = await repo.add_series(
        "north", "weekly", 2, 1, 840, "Europe/London", "2026-11-25", "", NOW
    )
    await repo.set_series_next(cancelled, None, None)  # nothing ahead: never due
    due = await repo.due_series(NOW)
    assert [s.id for s in due] == [ids[0], ids[2]]
    # moving one on succeeds once; a second run that read the same row changes nothing
    assert await repo.advance_series(ids[0], NOW - 600, NOW + DAY, NOW + DAY - 3600)
    assert not await repo.advance_series(ids[0], NOW - 600, NOW + DAY, NOW + DAY - 3600)
    assert [s.id for s in await repo.due_series(NOW)] == [ids[2]]
