-- Each source's own reading of an issue (the export JSON), by the source's name. The issue's
-- rows are the merge of its copies (archive::merge): a copy from another carrier adds what
-- it has to the fullest reading instead of replacing it, and the same source read again
-- replaces only its own copy.
CREATE TABLE issue_copies (
    issue   INTEGER NOT NULL,
    source  TEXT NOT NULL,       -- a path or URL; '' for a source without a name
    reading TEXT NOT NULL,
    changed INTEGER NOT NULL DEFAULT 0,  -- order in which the copies of an issue last changed
    PRIMARY KEY (issue, source)
) STRICT;
