-- glyphd-store PostgreSQL schema, version 3. Never edit once released: a change is a new migration file.
--
-- The listings in stock (ListingQuery.inStock()), by price and by score: "the cheapest offers I can buy now" and
-- "the best ones" without reading the out-of-stock majority (a DESC order reads an index backwards). Partial, so
-- they hold only the in-stock rows (about a fifth in the pipeline's files). vram_gb (and in the score index price)
-- are key columns after id, which order nothing (id is unique) but let VRAM and price bounds be index conditions,
-- tested on the entry before the table row is fetched (a bound on an INCLUDE column is tested only after the
-- fetch). PostgresDialect.inStock() writes the query's predicate exactly as this WHERE clause, with its values
-- written out: the planner uses a partial index only when it can prove the query's WHERE clause implies the
-- index's.
CREATE INDEX listings_in_stock_price ON listings (price, id, vram_gb)
    WHERE lower(availability) = 'available' OR (availability IS NULL AND quantity >= 1);
CREATE INDEX listings_in_stock_score ON listings (score, id, vram_gb, price)
    WHERE lower(availability) = 'available' OR (availability IS NULL AND quantity >= 1);
-- lower(availability) has no statistics of its own (no index is on that expression alone), so without these the
-- planner takes the in-stock predicate for a rare match (its default 0.5%) and would read every in-stock row of
-- every import through this index where the current market's few imports are cheaper. Expression statistics need
-- PostgreSQL 14; an older server plans without them.
DO $$
BEGIN
    IF current_setting('server_version_num')::integer >= 140000 THEN
        EXECUTE 'CREATE STATISTICS listings_availability ON (lower(availability)) FROM listings';
    END IF;
END
$$;
