"""Versioned schema changes, applied in order; `PRAGMA user_version` records how far a file is.

Never edit a migration that has shipped: add a new one, so an older database upgrades in place.
The tables hold exactly the data listed in DESIGN.md section 6 and nothing more.
"""

MIGRATIONS: tuple[str, ...] = (
    # 1: people and how they got in.
    """
    CREATE TABLE members (
        user_id       INTEGER PRIMARY KEY,
        chat_id       INTEGER NOT NULL,
        team_id       TEXT    NOT NULL,
        role          TEXT    NOT NULL CHECK (role IN ('member', 'coordinator')),
        language      TEXT    NOT NULL,
        timezone      TEXT    NOT NULL,
        consented_at  INTEGER NOT NULL
    );
    CREATE TABLE invites (
        id          INTEGER PRIMARY KEY,
        code_hash   TEXT    NOT NULL UNIQUE,
        team_id     TEXT    NOT NULL,
        expires_at  INTEGER NOT NULL,
        uses_left   INTEGER NOT NULL CHECK (uses_left >= 0),
        created_at  INTEGER NOT NULL
    );
    """,
    # 2: inactivity retention and blocked-bot marks: a member who has not used the bot for the
    # retention period is erased, and one who blocked the bot is kept but not messaged.
    """
    ALTER TABLE members ADD COLUMN last_seen_at INTEGER;
    ALTER TABLE members ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
    UPDATE members SET last_seen_at = consented_at WHERE last_seen_at IS NULL;
    CREATE INDEX members_team ON members (team_id, active);
    CREATE INDEX invites_expiry ON invites (expires_at);
    """,
)

LATEST_VERSION = len(MIGRATIONS)
