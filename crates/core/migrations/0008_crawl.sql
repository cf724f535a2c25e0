-- What a backfill found and did, so that an interrupted one resumes where it stopped and
-- fetches nothing twice.
--
-- One row per site (a newsletter's home): how far discovery got through its listing.
CREATE TABLE crawl_sites (
    site       TEXT PRIMARY KEY,          -- base URL, without a trailing slash
    home       TEXT NOT NULL CHECK (home IN ('substack', 'wordpress', 'wordpress-feed')),
    next_page  INTEGER NOT NULL DEFAULT 0, -- the next listing page (Substack: offset) to read
    discovered INTEGER NOT NULL DEFAULT 0  -- 1 once every listing page was read
) STRICT;

-- One row per post discovered.
CREATE TABLE crawl_posts (
    site      TEXT NOT NULL REFERENCES crawl_sites (site) ON DELETE CASCADE,
    post      TEXT NOT NULL,     -- the site's key for it: a slug, an id, a link
    position  INTEGER NOT NULL,  -- discovery order within the site
    title     TEXT NOT NULL,
    issue     INTEGER,           -- NULL for a post that is not an issue
    url       TEXT NOT NULL,     -- canonical URL: the issue's read-online link
    published TEXT,              -- YYYY-MM-DD
    body_url  TEXT,              -- where the body is fetched; NULL when it came with the listing
    body      TEXT,              -- a body that came with the listing, until it is stored
    state     TEXT NOT NULL CHECK (state IN ('discovered', 'skipped', 'stored', 'failed')),
    reason    TEXT,              -- why it failed
    PRIMARY KEY (site, post)
) STRICT;

CREATE INDEX crawl_posts_issue ON crawl_posts (issue);

-- The validators each listing page was last served with, for a conditional GET: a listing
-- unchanged since the last backfill costs a 304 per page. `last_page` says whether that
-- page ended the listing.
CREATE TABLE crawl_listings (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    last_page     INTEGER NOT NULL DEFAULT 0
) STRICT;
