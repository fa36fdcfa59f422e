-- glyphd-store SQLite schema, version 5. Never edit once released: a change is a new migration file.
--
-- The two model indexes carry the import key at the end of each entry, after the row id (so that their order, and
-- the order of ties by id, is as before). A filter on the import key is then tested on the index entry, without
-- reading the table row: the current market (ListingQuery.current()) of one model by score, on a store that keeps
-- many older imports, skips their rows in listings_model_score itself; and modelStats of an import that holds much
-- of the store is one pass over listings_model_price, which covers it. The import key is a small integer: one or
-- two bytes per entry.
DROP INDEX listings_model_score;
CREATE INDEX listings_model_score ON listings (canonical_model, score, id, import_key);
DROP INDEX listings_model_price;
CREATE INDEX listings_model_price ON listings (canonical_model, price_micros, id, score, import_key);
