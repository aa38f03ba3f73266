"""Invite codes: random, URL-safe, checked for shape before any lookup, stored only hashed."""

from __future__ import annotations

import hashlib
import re
import secrets

# What Telegram allows in a /start deep-link parameter.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def new_code() -> str:
    """A fresh code: 128 random bits, 22 URL-safe characters, fits a deep link."""
    return secrets.token_urlsafe(16)


def is_well_formed(code: str) -> bool:
    """Reject anything a real code could not be before it reaches the database."""
    return bool(CODE_PATTERN.fullmatch(code))


def hash_code(code: str) -> str:
    """The form a code is stored in. Codes carry 128 random bits, so a plain SHA-256 is enough:
    a leaked database cannot be turned back into working links."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()
