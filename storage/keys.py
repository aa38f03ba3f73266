"""A random key kept in its own file beside the database, for one-way codes (RSVPs).

Kept apart from the database so that a copy of the database alone cannot turn a code back
into the person who answered, and apart from the bot token so that rotating the token changes
nothing.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def key_path(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def load_or_create_key(database: Path) -> bytes:
    """The deployment's key; made (readable by this user only) on first use."""
    if str(database) == ":memory:":
        return secrets.token_bytes(32)
    path = key_path(database)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key
