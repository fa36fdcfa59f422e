-- glyphd-store SQLite schema, version 1. Never edit once released: a change is a new migration file.
--
-- Types: prices are exact INTEGER micro-dollars (595.99 USD is 595990000); instants (seen_at, imported_at,
-- created_at, updated_at) are INTEGER microseconds since 1970-01-01T00:00:00Z; heuristics is JSON object text;
-- booleans are 0/1. Text that queries match ignoring case (model, region, condition) is COLLATE NOCASE,
-- so their indexes serve those queries.

CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    import_id    TEXT    NOT NULL UNIQUE,
    imported_at  INTEGER NOT NULL,
    source       TEXT,
    description  TEXT,
    record_count INTEGER NOT NULL DEFAULT 0 CHECK (record_count >= 0)
);

CREATE TABLE listings (
    id              INTEGER PRIMARY KEY,
    import_key      INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    import_index    INTEGER NOT NULL CHECK (import_index >= 1),
    canonical_model TEXT    NOT NULL COLLATE NOCASE CHECK (length(canonical_model) > 0),
    price_micros    INTEGER NOT NULL CHECK (price_micros >= 0),
    score           REAL    NOT NULL,
    vram_gb         INTEGER,
    tdp_watts       INTEGER,
    mig_support     INTEGER CHECK (mig_support BETWEEN 0 AND 7),
    nvlink          INTEGER CHECK (nvlink IN (0, 1)),
    generation      TEXT,
    cuda_cores      INTEGER,
    slot_width      REAL,
    pcie_generation INTEGER,
    form_factor     TEXT,
    title           TEXT,
    condition       TEXT COLLATE NOCASE,
    quantity        INTEGER,
    availability    TEXT,
    min_order_qty   INTEGER,
    seller          TEXT,
    region          TEXT COLLATE NOCASE,
    source_url      TEXT,
    source_type     TEXT,
    seen_at         INTEGER,
    match_type      TEXT,
    match_score     REAL,
    notes           TEXT,
    warnings        TEXT,
    heuristics      TEXT CHECK (heuristics IS NULL OR json_valid(heuristics)),
    created_at      INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER)),
    updated_at      INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER)),
    UNIQUE (import_key, import_index)
);

-- One index per query shape; SqliteQueryPlanTest checks each plan. The UNIQUE constraint above serves the import
-- filter, IMPORT_ORDER, its keyset pages and the cascade on delete. Each composite index lets a filtered, ordered,
-- limited query (and each keyset page) read one index range in order and stop after `limit` rows instead of sorting
-- every match. An import that dwarfs the table drops and rebuilds every secondary index (see SqliteImporter).
-- condition has no index of its own: it has a handful of values, so an index would not narrow a scan.
-- model + SCORE_DESC; countListings(model) reads it (or model_price) alone.
CREATE INDEX listings_model_score ON listings (canonical_model, score);
-- model + price range, PRICE_ASC/PRICE_DESC (ties by id, hence id spelled out before score). score is carried along
-- so that the index covers modelStats' aggregate (count, median and sum of price, average score): one pass over it
-- and no table rows.
CREATE INDEX listings_model_price ON listings (canonical_model, price_micros, id, score);
-- score range and SCORE_DESC without a model.
CREATE INDEX listings_score ON listings (score);
-- price range and PRICE_ASC/PRICE_DESC without a model.
CREATE INDEX listings_price ON listings (price_micros);
-- region + seenAfter/seenBefore, SEEN_AT_DESC (newest in a region).
CREATE INDEX listings_region_seen ON listings (region, seen_at);
-- seenAfter/seenBefore and SEEN_AT_DESC without a region.
CREATE INDEX listings_seen ON listings (seen_at);

-- listImports() (newest first).
CREATE INDEX imports_imported_at ON imports (imported_at);

-- Keeps updated_at current on any change that does not set it itself.
CREATE TRIGGER listings_touch_updated_at
AFTER UPDATE ON listings
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE listings SET updated_at = CAST(unixepoch('subsec') * 1000000 AS INTEGER) WHERE id = NEW.id;
END;

-- A listing's provenance is fixed once written: it is replaced with its import, never moved.
CREATE TRIGGER listings_keep_provenance
BEFORE UPDATE OF import_key, import_index ON listings
FOR EACH ROW WHEN NEW.import_key IS NOT OLD.import_key OR NEW.import_index IS NOT OLD.import_index
BEGIN
    SELECT RAISE(ABORT, 'listing provenance (import_key, import_index) cannot be changed');
END;
