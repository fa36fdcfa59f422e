-- glyphd-store PostgreSQL schema, version 1. Never edit once released: a change is a new migration file.
--
-- PostgresSchema runs this script one statement at a time, in one transaction, under an advisory lock, with
-- search_path set (for that transaction only) to the store's schema: no name here is schema-qualified, so every
-- object lands in that schema. Needs PostgreSQL 11 or later (EXECUTE FUNCTION in CREATE TRIGGER).
--
-- Types are native, for psql and BI tools: prices are exact numeric USD; instants are timestamptz (microseconds,
-- as Listing keeps them); heuristics is a jsonb object; nvlink is boolean. Text that queries match ignoring case
-- (canonical_model, region, condition, generation, form_factor, availability, seller, source_type) is COLLATE "C"
-- and matched as lower(column) = lower(? COLLATE "C"): under "C", lower() folds ASCII letters only, exactly as
-- SQLite's NOCASE does, and the expression indexes below neither depend on the operating system's locale nor go
-- stale when its collation rules change. source_url is "C" too: identity compares it byte for byte.

CREATE TABLE imports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_id    text        NOT NULL UNIQUE,
    imported_at  timestamptz NOT NULL,
    source       text,
    description  text,
    record_count bigint      NOT NULL DEFAULT 0 CHECK (record_count >= 0)
);

-- price is numeric(19,6): 6 decimals hold Listing.MAX_PRICE_SCALE exactly, and 13 integer digits hold
-- Listing.MAX_PRICE (1000000000000, which is 13 digits; numeric(18,6) would stop just short of it).
CREATE TABLE listings (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    import_key      bigint           NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    import_index    integer          NOT NULL CHECK (import_index >= 1),
    canonical_model text COLLATE "C" NOT NULL CHECK (length(canonical_model) > 0),
    price           numeric(19, 6)   NOT NULL CHECK (price >= 0),
    score           double precision NOT NULL,
    vram_gb         integer,
    tdp_watts       integer,
    mig_support     smallint CHECK (mig_support BETWEEN 0 AND 7),
    nvlink          boolean,
    generation      text COLLATE "C",
    cuda_cores      integer,
    slot_width      double precision,
    pcie_generation integer,
    form_factor     text COLLATE "C",
    title           text,
    condition       text COLLATE "C",
    quantity        integer,
    availability    text COLLATE "C",
    min_order_qty   integer,
    seller          text COLLATE "C",
    region          text COLLATE "C",
    source_url      text COLLATE "C",
    source_type     text COLLATE "C",
    seen_at         timestamptz,
    match_type      text,
    match_score     double precision,
    notes           text,
    warnings        text,
    heuristics      jsonb CHECK (heuristics IS NULL OR jsonb_typeof(heuristics) = 'object'),
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    UNIQUE (import_key, import_index)
);

-- One index per query shape, and no more: index upkeep dominates import cost. The UNIQUE constraint above serves
-- the import filter, IMPORT_ORDER (import_key, import_index), its keyset pages and the cascade on delete. Each
-- composite index lets a filtered, ordered, limited query (and each keyset page) read one index range in order and
-- stop after `limit` rows instead of sorting every match; a DESC order reads an ascending index backwards. id ends
-- each key because every order breaks ties by id. condition has no index of its own: it has a handful of values,
-- so an index would not narrow a scan.

-- model + SCORE_DESC (l.score DESC, l.id DESC) and model + score range; countListings(model).
CREATE INDEX listings_model_score ON listings (lower(canonical_model), score, id);
-- model + price range, PRICE_ASC (l.price ASC, l.id ASC) and PRICE_DESC (l.price DESC, l.id DESC). It carries score
-- and canonical_model so that modelStats over all listings and countListings(model) read the index alone: an
-- index-only scan needs every column the query names, and lower(canonical_model) names canonical_model.
CREATE INDEX listings_model_price ON listings (lower(canonical_model), price, id) INCLUDE (score, canonical_model);
-- score range and SCORE_DESC without a model.
CREATE INDEX listings_score ON listings (score, id);
-- price range and PRICE_ASC/PRICE_DESC without a model.
CREATE INDEX listings_price ON listings (price, id);
-- region + seenAfter/seenBefore, SEEN_AT_DESC (l.seen_at DESC NULLS LAST, l.id DESC): newest in a region.
CREATE INDEX listings_region_seen ON listings (lower(region), seen_at DESC NULLS LAST, id DESC);
-- seenAfter/seenBefore and SEEN_AT_DESC without a region.
CREATE INDEX listings_seen ON listings (seen_at DESC NULLS LAST, id DESC);
-- Listing identity across imports: a listing seen again in a later import is the same listing when its source_url
-- (exactly) and canonical_model (ignoring ASCII case) match. One range seek finds every sighting of a listing,
-- grouped by import and in input order within one. Partial: rows without a source_url have no identity and add
-- nothing to it.
CREATE INDEX listings_identity ON listings (source_url, lower(canonical_model), import_key, import_index)
    WHERE source_url IS NOT NULL;

-- listImports() (newest first).
CREATE INDEX imports_imported_at ON imports (imported_at);

-- Keeps updated_at current on any change that does not set it itself. clock_timestamp(), not now(): now() is the
-- start of the updating transaction, so an update in the transaction that inserted the row would leave updated_at
-- equal to created_at, and a transaction that began before the row was inserted would date the update before its
-- creation. clock_timestamp() is the moment of the change itself; the rows of one UPDATE then differ by
-- microseconds, which nothing relies on. Built-in functions and operators resolve in pg_catalog before any schema
-- on search_path, so this body does not depend on the caller's search_path.
CREATE FUNCTION glyphd_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at = OLD.updated_at THEN
        NEW.updated_at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER listings_touch_updated_at
BEFORE UPDATE ON listings
FOR EACH ROW EXECUTE FUNCTION glyphd_touch_updated_at();

-- A listing's provenance is fixed once written: it is replaced with its import, never moved. SQLState 23000
-- (integrity_constraint_violation), so a caller sees it as the broken rule it is.
CREATE FUNCTION glyphd_keep_provenance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'listing provenance (import_key, import_index) cannot be changed'
        USING ERRCODE = 'integrity_constraint_violation',
              DETAIL = format('listing %s is row %s of import key %s', OLD.id, OLD.import_index, OLD.import_key),
              HINT = 'Re-import the import instead; its rows are replaced, never moved.';
END
$$;

CREATE TRIGGER listings_keep_provenance
BEFORE UPDATE OF import_key, import_index ON listings
FOR EACH ROW
WHEN (NEW.import_key IS DISTINCT FROM OLD.import_key OR NEW.import_index IS DISTINCT FROM OLD.import_index)
EXECUTE FUNCTION glyphd_keep_provenance();

-- One row per applied script: version n is MIGRATIONS' n-th script. PostgresSchema inserts each row in the
-- transaction that applies its script.
CREATE TABLE glyphd_store_schema (
    version    integer     PRIMARY KEY CHECK (version >= 1),
    script     text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE imports IS 'glyphd-store: one row per import of scored GPU listings. Written by glyphd-store only.';
COMMENT ON TABLE listings IS 'glyphd-store: scored GPU listings, each in its import. Written by glyphd-store only.';
COMMENT ON TABLE glyphd_store_schema IS 'glyphd-store: its schema version, a row per script. Written by glyphd-store only.';
COMMENT ON COLUMN listings.price IS 'Offer price in USD, exact to the micro-dollar.';
COMMENT ON COLUMN listings.heuristics IS 'Further attributes of the listing, as a JSON object.';

-- The current market (ListingQuery.current()) is the newest import of each source: an import is current when no
-- import of the same source has a later (imported_at, id). One seek per import on this index answers that, so
-- deciding which imports are current reads only the small imports table, never the listings.
CREATE INDEX imports_source ON imports (source, imported_at, id);
