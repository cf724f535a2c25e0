-- Following the newsletter's feed and announcing new issues in the servers that ask for it.
-- Times are RFC 3339 in UTC. Discord ids (snowflakes) fit in a signed 64-bit INTEGER.
-- No table here references `issues`: an updated issue is deleted and inserted again, and
-- that must not erase the fact that it arrived or was announced.

-- Per feed URL: the validators for the next conditional GET, and the poll history, so that
-- a restart neither downloads an unchanged feed again nor polls sooner than it should.
CREATE TABLE feed_state (
    url             TEXT PRIMARY KEY,
    etag            TEXT,
    last_modified   TEXT,
    last_attempt_at TEXT,
    last_success_at TEXT,
    -- Consecutive failed polls, for the back-off; 0 after a good one.
    failures        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
) STRICT;

-- Issues that entered the store through the feed poller, in order of arrival. Only these
-- are ever announced, and an issue arrives once (by number), whatever the feed later does
-- to its dates, ids or text.
CREATE TABLE feed_arrivals (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    issue      INTEGER NOT NULL UNIQUE,
    arrived_at TEXT NOT NULL,
    -- 0 for the older part of a backlog too large to announce (a first poll of a new feed).
    announce   INTEGER NOT NULL DEFAULT 1
) STRICT;

-- Per server: the channel new issues are announced in; NULL when announcements are off
-- (disabled_reason says why when the bot turned them off itself).
CREATE TABLE announce_settings (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER,
    -- Arrivals up to this seq were in the store before announcements were turned on.
    since_seq       INTEGER NOT NULL DEFAULT 0,
    enabled_at      TEXT,
    enabled_by      INTEGER,
    disabled_at     TEXT,
    disabled_reason TEXT
) STRICT;

-- One row per issue and server: claimed before the message is sent, its id recorded after.
-- A claim without a message id is an announcement that may or may not have gone out.
CREATE TABLE announcements (
    issue      INTEGER NOT NULL,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    nonce      TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    message_id INTEGER,
    sent_at    TEXT,
    PRIMARY KEY (issue, guild_id)
) STRICT;
