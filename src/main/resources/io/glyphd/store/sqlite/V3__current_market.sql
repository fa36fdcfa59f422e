-- glyphd-store SQLite schema, version 3. Never edit once released: a change is a new migration file.
--
-- The current market (ListingQuery.current()) is the newest import of each source: an import is current when no
-- import of the same source has a later imported_at (or the same one and a greater id). This index answers that
-- with one seek per import, (source = ? AND imported_at >= ?), the rowid standing in for id, so deciding which
-- imports are current reads only the small imports table, never the listings.
CREATE INDEX imports_source ON imports (source, imported_at);
