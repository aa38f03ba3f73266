"""Opening the SQLite database safely and bringing its schema up to date."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import aiosqlite

from storage.migrations import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)


class StorageError(Exception):
    """The database could not do what was asked (locked, full, newer than this program)."""


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open the database with the settings wellbeing data needs, migrated to the latest schema.

    WAL lets readers carry on during a write; synchronous=FULL means a check-in the person was
    told is saved survives a power cut; foreign keys keep erasure complete.
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(str(path), timeout=5.0, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await migrate(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


async def schema_version(conn: aiosqlite.Connection) -> int:
    """How far the file's schema has been migrated."""
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply every migration the file has not had yet, each in its own transaction."""
    version = await schema_version(conn)
    if version > LATEST_VERSION:
        raise StorageError(
            f"the database is at schema version {version}, newer than this program knows "
            f"({LATEST_VERSION}); upgrade peer-reflect"
        )
    for number in range(version + 1, LATEST_VERSION + 1):
        statements = [s.strip() for s in MIGRATIONS[number - 1].split(";") if s.strip()]
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                await conn.execute(statement)
            # PRAGMA takes no parameters; number is an int we control.
            await conn.execute(f"PRAGMA user_version = {int(number)}")
            await conn.execute("COMMIT")
        except sqlite3.Error:
            await conn.execute("ROLLBACK")
            raise
        log.info("database migrated to schema version %d", number)
    return LATEST_VERSION
