-- The editor's note that may open an issue before its first story ("A shorter issue than
-- usual as…"): shown with the issue's overview, never taken for a section.
ALTER TABLE issues ADD COLUMN note TEXT;
