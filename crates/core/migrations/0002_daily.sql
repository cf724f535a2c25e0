-- The daily tale (DESIGN §5). A server's schedule, and one row per (server, local date)
-- written *before* the tale is sent: the primary key makes "one tale per server per local
-- day" hold across restarts and crashes. Snowflakes are stored as INTEGER (they fit in 63
-- bits); instants as Unix milliseconds (UTC); local dates as YYYY-MM-DD.

CREATE TABLE daily_schedules (
    guild      INTEGER PRIMARY KEY,
    channel    INTEGER NOT NULL,
    local_time TEXT NOT NULL,            -- HH:MM, in time_zone
    time_zone  TEXT NOT NULL,            -- IANA name, e.g. Europe/Berlin
    -- When the schedule took effect: a day whose time fell before this is not owed.
    since_ms   INTEGER NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Why the bot turned it off (channel gone, permission missing), for /daily status.
    problem    TEXT,
    changed_ms INTEGER NOT NULL
) STRICT;

-- No foreign key to issues: re-ingesting an issue replaces its row, and the history that
-- drives the rotation must outlive that.
CREATE TABLE daily_posts (
    guild       INTEGER NOT NULL,
    local_date  TEXT NOT NULL,
    issue       INTEGER NOT NULL,        -- whose tale
    channel     INTEGER NOT NULL,
    nonce       TEXT NOT NULL,           -- sent with enforce_nonce: a repeated send is dropped
    -- claimed: owned, not known to be sent; posted: Discord has it (message_id);
    -- failed: Discord refused it for good; missed: its day ended before it was sent.
    state       TEXT NOT NULL DEFAULT 'claimed'
                CHECK (state IN ('claimed', 'posted', 'failed', 'missed')),
    attempts    INTEGER NOT NULL DEFAULT 0,   -- sends started
    retry_ms    INTEGER,                 -- back-off: not before this
    claimed_ms  INTEGER NOT NULL,
    message_id  INTEGER,
    posted_ms   INTEGER,
    error       TEXT,                    -- the last failure, for the log and /daily status
    PRIMARY KEY (guild, local_date)
) STRICT;
