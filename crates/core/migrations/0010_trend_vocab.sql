-- The words of the search index with the number of places holding each, so that a term
-- the archive never mentions can be answered with a close word it does.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab (search_index, 'row');
