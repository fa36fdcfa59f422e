-- glyphd-store SQLite schema, version 6. Never edit once released: a change is a new migration file.
--
-- The listings in stock (ListingQuery.inStock()), by price and by score: "the cheapest offers I can buy now" and
-- "the best ones" without reading the out-of-stock majority. Partial, so they hold only the in-stock rows (about
-- a fifth in the pipeline's files), and they carry vram_gb (and the score index price_micros) so that VRAM and
-- price bounds are tested on the index entry. SqliteDialect.inStock() writes the query's predicate exactly as
-- this WHERE clause: SQLite uses a partial index only for a query whose WHERE clause contains the index's, term
-- for term.
CREATE INDEX listings_in_stock_price ON listings (price_micros, id, vram_gb)
    WHERE availability = 'Available' COLLATE NOCASE OR (availability IS NULL AND quantity >= 1);
CREATE INDEX listings_in_stock_score ON listings (score, id, vram_gb, price_micros)
    WHERE availability = 'Available' COLLATE NOCASE OR (availability IS NULL AND quantity >= 1);
