-- The diff of two imports, in one statement so that it reads one snapshot of the store. See ImportDiff for the
-- rules and SqliteAnalytics for the reading side.
--
-- Parameters: ?1 the "from" import id, ?2 the "to" import id, ?3 the most entries to list of each kind.
-- Output: every row carries the two import keys (null when that import does not exist); then one row per
-- non-empty kind with its exact count in `total`, and up to ?3 entries per listed kind with a null `total`.
-- kind: 1 added, 2 removed, 3 changed, 0 unchanged (counted, never listed).
WITH keys AS (
    SELECT (SELECT id FROM imports WHERE import_id = ?1) AS from_key,
        (SELECT id FROM imports WHERE import_id = ?2) AS to_key),
-- One row per listing identity in each import. With exactly one min() aggregate, SQLite takes the bare columns
-- (price, score) from the row holding min(import_index): the import's first row for that listing.
from_points AS (
    SELECT l.source_url, l.canonical_model, min(l.import_index) AS first_index, l.price_micros, l.score,
        count(*) AS row_count
    FROM listings l
    WHERE l.import_key = (SELECT from_key FROM keys) AND l.source_url <> ''
    GROUP BY l.source_url, l.canonical_model),
to_points AS (
    SELECT l.source_url, l.canonical_model, min(l.import_index) AS first_index, l.price_micros, l.score,
        count(*) AS row_count
    FROM listings l
    WHERE l.import_key = (SELECT to_key FROM keys) AND l.source_url <> ''
    GROUP BY l.source_url, l.canonical_model),
-- Pairs the two sides with a sort, not a join: SQLite runs a FULL JOIN of two materialised CTEs as a nested
-- loop, which is quadratic.
sides AS (
    SELECT 0 AS side, source_url, canonical_model, price_micros, score, row_count FROM from_points
    UNION ALL
    SELECT 1 AS side, source_url, canonical_model, price_micros, score, row_count FROM to_points),
paired AS (
    SELECT source_url,
        coalesce(max(CASE WHEN side = 1 THEN canonical_model END), max(canonical_model)) AS canonical_model,
        max(CASE WHEN side = 0 THEN price_micros END) AS from_price,
        max(CASE WHEN side = 0 THEN score END) AS from_score,
        max(CASE WHEN side = 0 THEN row_count END) AS from_rows,
        max(CASE WHEN side = 1 THEN price_micros END) AS to_price,
        max(CASE WHEN side = 1 THEN score END) AS to_score,
        max(CASE WHEN side = 1 THEN row_count END) AS to_rows
    FROM sides
    GROUP BY source_url, canonical_model COLLATE NOCASE),
classified AS (
    SELECT CASE WHEN from_rows IS NULL THEN 1 WHEN to_rows IS NULL THEN 2
            WHEN from_price <> to_price OR from_score <> to_score THEN 3 ELSE 0 END AS kind,
        source_url, canonical_model, from_price, from_score, from_rows, to_price, to_score, to_rows
    FROM paired),
output AS (
    SELECT kind, count(*) AS total, NULL AS source_url, NULL AS canonical_model, NULL AS from_price,
        NULL AS from_score, NULL AS from_rows, NULL AS to_price, NULL AS to_score, NULL AS to_rows
    FROM classified GROUP BY kind
    UNION ALL
    SELECT * FROM (SELECT kind, NULL, source_url, canonical_model, from_price, from_score, from_rows, to_price,
        to_score, to_rows FROM classified WHERE kind = 1 ORDER BY source_url, canonical_model COLLATE NOCASE LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT kind, NULL, source_url, canonical_model, from_price, from_score, from_rows, to_price,
        to_score, to_rows FROM classified WHERE kind = 2 ORDER BY source_url, canonical_model COLLATE NOCASE LIMIT ?3)
    UNION ALL
    SELECT * FROM (SELECT kind, NULL, source_url, canonical_model, from_price, from_score, from_rows, to_price,
        to_score, to_rows FROM classified WHERE kind = 3 ORDER BY source_url, canonical_model COLLATE NOCASE LIMIT ?3))
SELECT k.from_key, k.to_key, o.kind, o.total, o.source_url, o.canonical_model, o.from_price, o.from_score,
    o.from_rows, o.to_price, o.to_score, o.to_rows
FROM keys k LEFT JOIN output o
ORDER BY o.kind, o.total IS NULL, o.source_url, o.canonical_model COLLATE NOCASE
