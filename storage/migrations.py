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
    # 4: the team side. A team's reflection group; its supervision series, each with its next
    # reminder (one periodic job asks what is due); skipped dates; RSVPs as one-way codes so a
    # person can change their answer but no one can see who answered (deleted after the
    # session); agenda topics without authors (deleted after the session); the weekly prompt.
    """
    CREATE TABLE groups (
        chat_id    INTEGER PRIMARY KEY,
        team_id    TEXT    NOT NULL UNIQUE,
        linked_at  INTEGER NOT NULL,
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
    );
    CREATE TABLE supervision_series (
        id                INTEGER PRIMARY KEY,
        team_id           TEXT    NOT NULL,
        frequency         TEXT    NOT NULL
                          CHECK (frequency IN ('weekly', 'fortnightly', 'monthly')),
        weekday           INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
        week_of_month     INTEGER NOT NULL DEFAULT 1 CHECK (week_of_month BETWEEN 1 AND 5),
        minute            INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
        timezone          TEXT    NOT NULL,
        first_date        TEXT    NOT NULL,
        place             TEXT    NOT NULL DEFAULT '' CHECK (length(place) <= 200),
        created_at        INTEGER NOT NULL,
        next_session_at   INTEGER,
        next_reminder_at  INTEGER
    );
    CREATE INDEX supervision_due ON supervision_series (next_reminder_at);
    CREATE INDEX supervision_team ON supervision_series (team_id);
    CREATE TABLE supervision_skips (
        series_id  INTEGER NOT NULL REFERENCES supervision_series (id) ON DELETE CASCADE,
        day        TEXT    NOT NULL,
        PRIMARY KEY (series_id, day)
    );
    CREATE TABLE rsvps (
        series_id   INTEGER NOT NULL REFERENCES supervision_series (id) ON DELETE CASCADE,
        session_at  INTEGER NOT NULL,
        voter       TEXT    NOT NULL,
        going       INTEGER NOT NULL CHECK (going IN (0, 1)),
        PRIMARY KEY (series_id, session_at, voter)
    );
    CREATE TABLE agenda_topics (
        id          INTEGER PRIMARY KEY,
        team_id     TEXT    NOT NULL,
        session_at  INTEGER NOT NULL,
        topic       TEXT    NOT NULL CHECK (length(topic) BETWEEN 1 AND 500),
        added_at    INTEGER NOT NULL
    );
    CREATE INDEX agenda_session ON agenda_topics (team_id, session_at);
    CREATE TABLE weekly_prompts (
        team_id      TEXT    PRIMARY KEY,
        weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
        minute       INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
        next_due_at  INTEGER NOT NULL,
        rotation     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX weekly_prompts_due ON weekly_prompts (next_due_at);
    """,
)

LATEST_VERSION = len(MIGRATIONS)
