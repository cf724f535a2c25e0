-- The archive: one row per issue, its sections, their link items, its tale, the issues it
-- cites, and a full-text index over all of it. Every child row belongs to one issue and
-- goes with it (ON DELETE CASCADE), so replacing an issue is "delete it, insert it again".

CREATE TABLE issues (
    number       INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    -- Lower-cased title, for case-insensitive autocomplete beyond ASCII.
    title_folded TEXT NOT NULL,
    published    TEXT,          -- YYYY-MM-DD
    url          TEXT,
    -- Hash of the issue's canonical JSON: re-ingesting the same content writes nothing.
    content_hash TEXT NOT NULL
) STRICT;

CREATE TABLE sections (
    issue          INTEGER NOT NULL REFERENCES issues (number) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    title          TEXT NOT NULL,
    teaser         TEXT,
    summary        TEXT NOT NULL,
    why_it_matters TEXT,
    body           TEXT NOT NULL,
    PRIMARY KEY (issue, position)
) STRICT;

CREATE TABLE links (
    issue    INTEGER NOT NULL,
    section  INTEGER NOT NULL,  -- the section's position
    ordinal  INTEGER NOT NULL,  -- order within the section, from 1
    label    TEXT NOT NULL,
    title    TEXT NOT NULL,
    source   TEXT,
    url      TEXT,
    PRIMARY KEY (issue, section, ordinal),
    FOREIGN KEY (issue, section) REFERENCES sections (issue, position) ON DELETE CASCADE
) STRICT;

CREATE TABLE tales (
    issue       INTEGER PRIMARY KEY REFERENCES issues (number) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    setting     TEXT,
    body        TEXT NOT NULL,
    inspired_by TEXT
) STRICT;

-- "Import AI #304" cited in issue 310 is (310, 304). The cited issue may not be archived.
CREATE TABLE mentions (
    issue     INTEGER NOT NULL REFERENCES issues (number) ON DELETE CASCADE,
    mentioned INTEGER NOT NULL,
    PRIMARY KEY (issue, mentioned)
) STRICT;

-- For "which issues cite N".
CREATE INDEX mentions_by_mentioned ON mentions (mentioned, issue);

-- One row per section and per tale. The rowid is issue * 4096 + position (0 for the tale),
-- so an issue's rows are one rowid range and can be replaced without scanning the index.
-- `sources` holds link titles and sources of a section, or what inspired a tale.
CREATE VIRTUAL TABLE search_index USING fts5 (
    heading,
    teaser,
    body,
    sources,
    issue UNINDEXED,
    position UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Rank by bm25 with headings weighing most, then teasers, link titles, and bodies.
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(10.0, 5.0, 1.0, 2.0)');
