-- When the archive's content last changed: an issue added, or its reading changed (not a
-- source giving the same issue again), for /about. One row at most; none in an archive
-- last changed before this was recorded, where the time is unknown until the next change.
CREATE TABLE archive_changed (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    at   TEXT NOT NULL  -- RFC 3339, UTC
) STRICT;
