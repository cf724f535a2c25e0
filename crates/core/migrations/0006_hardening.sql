-- Import AI numbers its issues from 1, and ingest now refuses anything else: an issue 0
-- stored before is removed (its index rows are rowids 0 to 4095), so that no answer lists
-- what every other answer refuses.
DELETE FROM search_index WHERE rowid BETWEEN 0 AND 4095;
DELETE FROM mentions WHERE issue = 0;
DELETE FROM links WHERE issue = 0;
DELETE FROM sections WHERE issue = 0;
DELETE FROM tales WHERE issue = 0;
DELETE FROM issues WHERE number = 0;

-- Search indexes at most 16,384 characters of each column of a place (store::search,
-- MAX_INDEXED_CHARS): a section holding 100,000 links made every search that matched it
-- build its snippet from megabytes of text. Rows indexed before are cut the same way.
UPDATE search_index SET heading = substr(heading, 1, 16384) WHERE length(heading) > 16384;
UPDATE search_index SET teaser = substr(teaser, 1, 16384) WHERE length(teaser) > 16384;
UPDATE search_index SET body = substr(body, 1, 16384) WHERE length(body) > 16384;
UPDATE search_index SET sources = substr(sources, 1, 16384) WHERE length(sources) > 16384;
