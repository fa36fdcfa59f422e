-- glyphd-store SQLite schema, version 2. Never edit once released: a change is a new migration file.
--
-- Listing identity across imports: a listing seen again in a later import is the same listing when its
-- source_url (exactly) and canonical_model (ignoring ASCII case: the column is COLLATE NOCASE) match. A listing
-- without a source_url has no identity and no history.
--
-- This index finds every sighting of one listing with one range seek, grouped by import and, within an import,
-- in input order, so a listing's history reads O(log n + k) index entries for its k rows. It is partial: rows
-- without a source_url add nothing to it.
CREATE INDEX listings_identity ON listings (source_url, canonical_model, import_key, import_index)
    WHERE source_url IS NOT NULL;
