-- The words the archive uses, as written (the search index stems them: "align" for
-- "alignment"), and in how many places, so that a search that finds nothing can suggest
-- the nearest word the archive does use. A contentless index of the same places (rowids as
-- in search_index), without positions: only its vocabulary is read.
CREATE VIRTUAL TABLE search_words USING fts5 (
    heading,
    teaser,
    body,
    sources,
    content = '',
    contentless_delete = 1,
    detail = none,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO search_words (rowid, heading, teaser, body, sources)
    SELECT rowid, heading, teaser, body, sources FROM search_index;

CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_words, row);

-- The random tales /tale showed in each channel (any key for "where it was asked"), so that
-- the next random one is none of the channel's last few while others remain.
CREATE TABLE random_tales (
    channel INTEGER NOT NULL,
    shown   INTEGER NOT NULL,  -- order of showing in the channel, from 1
    issue   INTEGER NOT NULL,
    PRIMARY KEY (channel, shown)
) STRICT;
