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
    # 3: after-shift check-ins. Only structured answers: typed words are never stored.
    # checkin_progress holds the one unfinished check-in a person may have, so a restart lets
    # them carry on; it is deleted when the check-in completes, is cancelled or expires.
    """
    CREATE TABLE checkins (
        id                 INTEGER PRIMARY KEY,
        user_id            INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
        team_id            TEXT    NOT NULL,
        completed_at       INTEGER NOT NULL,
        load               INTEGER CHECK (load BETWEEN 0 AND 10),
        answers            TEXT    NOT NULL,
        flags              TEXT    NOT NULL DEFAULT '',
        contact_requested  INTEGER NOT NULL DEFAULT 0 CHECK (contact_requested IN (0, 1))
    );
    CREATE INDEX checkins_user_time ON checkins (user_id, completed_at);
    CREATE INDEX checkins_team_time ON checkins (team_id, completed_at);
    CREATE INDEX checkins_time ON checkins (completed_at);
    CREATE TABLE checkin_progress (
        user_id      INTEGER PRIMARY KEY REFERENCES members (user_id) ON DELETE CASCADE,
        script       TEXT    NOT NULL,
        step         INTEGER NOT NULL CHECK (step >= 0),
        answers      TEXT    NOT NULL,
        flags        TEXT    NOT NULL DEFAULT '',
        nonce        TEXT    NOT NULL,
        paused       INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        started_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
    );
    CREATE INDEX checkin_progress_idle ON checkin_progress (updated_at);
    CREATE TABLE nudges (
        user_id      INTEGER PRIMARY KEY REFERENCES members (user_id) ON DELETE CASCADE,
        weekdays     INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
        minute       INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
        next_due_at  INTEGER NOT NULL
    );
    CREATE INDEX nudges_due ON nudges (next_due_at);
    """,
)

LATEST_VERSION = len(MIGRATIONS)
