-- One outbox for every message the bot posts on its own (the daily tale, announcements of
-- new issues). A delivery is claimed here before its message is sent: the primary key
-- (kind, guild, key) makes a second claim impossible, whichever process asks. The claim
-- then counts each attempt, holds the next try after a temporary failure, and the message
-- id once Discord has the message, or why it failed for good. Instants are Unix
-- milliseconds (UTC); snowflakes are INTEGER.
CREATE TABLE deliveries (
    kind        TEXT NOT NULL CHECK (kind IN ('daily', 'announce')),
    guild       INTEGER NOT NULL,
    -- What is delivered once per server: the local date (YYYY-MM-DD) of a daily tale, the
    -- number of an announced issue.
    key         TEXT NOT NULL,
    -- The issue whose tale or overview the message carries. No foreign key: re-ingesting an
    -- issue replaces its row, and the history must outlive that.
    issue       INTEGER NOT NULL,
    channel     INTEGER NOT NULL,
    nonce       TEXT NOT NULL,           -- sent with enforce_nonce: a repeated send is dropped
    -- claimed: owned, not known to be sent; posted: Discord has it (message_id);
    -- failed: Discord refused it for good (error says why); missed: its time passed unsent.
    state       TEXT NOT NULL DEFAULT 'claimed'
                CHECK (state IN ('claimed', 'posted', 'failed', 'missed')),
    attempts    INTEGER NOT NULL DEFAULT 0,   -- sends started
    next_try_ms INTEGER,                 -- back-off: not before this
    claimed_ms  INTEGER NOT NULL,
    message_id  INTEGER,
    posted_ms   INTEGER,
    error       TEXT,                    -- the last failure, for the log and the status commands
    PRIMARY KEY (kind, guild, key)
) STRICT;

INSERT INTO deliveries (kind, guild, key, issue, channel, nonce, state, attempts, next_try_ms,
                        claimed_ms, message_id, posted_ms, error)
SELECT 'daily', guild, local_date, issue, channel, nonce, state, attempts, retry_ms,
       claimed_ms, message_id, posted_ms, error
FROM daily_posts;

-- An announcement claimed without a message id may have gone out: one attempt is counted so
-- that the channel is searched before it is sent again.
INSERT INTO deliveries (kind, guild, key, issue, channel, nonce, state, attempts, claimed_ms,
                        message_id, posted_ms)
SELECT 'announce', guild_id, CAST(issue AS TEXT), issue, channel_id, nonce,
       CASE WHEN message_id IS NULL THEN 'claimed' ELSE 'posted' END, 1,
       CAST(strftime('%s', claimed_at) AS INTEGER) * 1000, message_id,
       CAST(strftime('%s', sent_at) AS INTEGER) * 1000
FROM announcements;

DROP TABLE daily_posts;
DROP TABLE announcements;
