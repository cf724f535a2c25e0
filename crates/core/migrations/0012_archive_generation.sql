-- A count of the archive's content changes, one per change that archive_changed.at records.
-- A serving process compares it to see another process's ingest; unlike SQLite's
-- data_version it does not move when something other than the archive is written (a
-- random tale remembered, a daily post claimed), which would forget every issue kept.
ALTER TABLE archive_changed ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
