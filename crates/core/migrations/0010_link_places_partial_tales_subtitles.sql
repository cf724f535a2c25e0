-- Where each link falls in its section's text (JSON, the export's `at`: a paragraph and the
-- linked characters, or the paragraph a link line follows), so the whole section shows its
-- links in place; NULL for links stored before places were read (re-ingesting fills it).
ALTER TABLE links ADD COLUMN place TEXT CHECK (place IS NULL OR json_valid(place));

-- A tale whose copy is cut off before its end (a feed excerpt), told to the reader.
ALTER TABLE tales ADD COLUMN partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1));

-- The line under an issue's title (a post's subtitle, front-matter `description`).
ALTER TABLE issues ADD COLUMN subtitle TEXT;
