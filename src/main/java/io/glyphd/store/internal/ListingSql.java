package io.glyphd.store.internal;

import io.glyphd.store.ListingQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ListingQuery} into SQL for any backend: filters become predicates over the listings table
 * (alias {@code l}) with every value bound as a {@code ?}, and only the {@link ListingQuery.Order} enum chooses
 * the {@code ORDER BY} text. Dialect differences go through {@link SqlDialect}.
 *
 * <p>How each filter is served (the plans {@code SqliteQueryPlanTest} and {@code PostgresQueryPlanTest} check):
 * <ul>
 *   <li>model, score, price, region and time bounds and the import choose an index range, one per query shape, read
 *       in the order's order;</li>
 *   <li>several {@code models} are one seek per model; with a score or price order, one such range per model,
 *       merged in order by a {@code UNION ALL ... ORDER BY} ({@link SqlDialect#mergeArm});</li>
 *   <li>{@code sourceUrl} seeks the identity index;</li>
 *   <li>the spec and offer filters (VRAM, MIG, NVLink, generation, form factor, seller, source type, availability,
 *       in stock, match score) have a handful of values each, so an index of theirs would not narrow a scan: they
 *       are residual filters, tested on the rows of the range the other filters and the order chose;</li>
 *   <li>{@code current} reads the small imports table ({@link SqlDialect#currentImports()}), then is a residual
 *       filter on the import key (in import order, and for counts and statistics, seeks on the import key);</li>
 *   <li>{@code distinctOffers} is a residual {@code NOT EXISTS}: one seek on the identity index per row it tests.</li>
 * </ul>
 */
public final class ListingSql {
    /** The name a select prefix gives the storage id ({@code l.id AS listing_id}). */
    public static final String ID_ALIAS = "listing_id";

    private final SqlDialect dialect;
    /** Listing {@code d} is the same offer as {@code l} in the same import; a seek on listings_identity. */
    private final String sameOffer;
    private final String offerRows;

    /** Creates a builder for one backend. */
    public ListingSql(SqlDialect dialect) {
        this.dialect = dialect;
        this.sameOffer = "d.source_url = l.source_url AND "
                + dialect.equalIgnoringCase("d.canonical_model", "l.canonical_model")
                + " AND d.import_key = l.import_key AND d.source_url <> ''";
        this.offerRows = "CASE WHEN l.source_url <> '' THEN (SELECT count(*) FROM listings d WHERE " + sameOffer
                + ") ELSE 1 END";
    }

    /**
     * Returns a column expression over alias {@code l}: how many rows of its import listing {@code l}'s offer has
     * (1 for a listing without a source URL); see {@link ListingQuery#distinctOffers()}.
     */
    public String offerRowsColumn() {
        return offerRows;
    }

    /**
     * Returns {@code select} followed by the query's WHERE, ORDER BY, LIMIT and OFFSET.
     *
     * @param select a SELECT ... FROM listings l ... prefix with no WHERE clause, whose columns include
     *        {@code l.score}, the price column and {@code l.id AS} {@value #ID_ALIAS} (what a merge of several models
     *        orders by)
     */
    public Sql select(String select, ListingQuery query) {
        Sql ordered = segment(select, query, null, List.of());
        List<Object> parameters = new ArrayList<>(ordered.parameters());
        parameters.add(query.limit());
        parameters.add(query.offset());
        return new Sql(ordered.text() + " LIMIT ? OFFSET ?", parameters);
    }

    /** Returns a count of the rows matching the query's filters. */
    public Sql count(ListingQuery query) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM listings l");
        appendWhere(sql, query, parameters);
        return new Sql(sql.toString(), parameters);
    }

    /**
     * Appends {@code WHERE ...} for the query's filters (nothing if it has none) and collects the values; for a
     * statement that reads every match (a count, an aggregate), so {@code current} may seek its imports' rows.
     */
    public void appendWhere(StringBuilder sql, ListingQuery query, List<Object> parameters) {
        List<String> predicates = predicates(query, parameters, null, true);
        if (!predicates.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", predicates));
        }
    }

    /**
     * Returns the predicates of the query's filters and collects their values.
     *
     * @param armModel the one model of a merge's arm, which replaces {@code models}; or null
     * @param seekImports whether {@code current} may lead to a seek on the import key, rather than be tested on the
     *        rows another index's range delivers: true where that order is the statement's, or where every match is
     *        read anyway
     */
    private List<String> predicates(ListingQuery query, List<Object> parameters, String armModel,
            boolean seekImports) {
        List<String> predicates = new ArrayList<>();
        if (query.model() != null) {
            predicates.add(dialect.equalsIgnoringCase("l.canonical_model"));
            parameters.add(query.model());
        }
        if (armModel != null) {
            predicates.add(dialect.equalsIgnoringCase("l.canonical_model"));
            parameters.add(armModel);
        } else if (query.models() != null) {
            predicates.add(dialect.inIgnoringCase("l.canonical_model", query.models().size()));
            parameters.addAll(query.models());
        }
        if (query.minScore() != null) {
            predicates.add("l.score >= ?");
            parameters.add(query.minScore());
        }
        if (query.maxScore() != null) {
            predicates.add("l.score <= ?");
            parameters.add(query.maxScore());
        }
        if (query.minPrice() != null) {
            predicates.add("l." + dialect.priceColumn() + " >= ?");
            parameters.add(dialect.priceLowerBound(query.minPrice()));
        }
        if (query.maxPrice() != null) {
            predicates.add("l." + dialect.priceColumn() + " <= ?");
            parameters.add(dialect.priceUpperBound(query.maxPrice()));
        }
        if (query.region() != null) {
            predicates.add(dialect.equalsIgnoringCase("l.region"));
            parameters.add(query.region());
        }
        if (query.condition() != null) {
            predicates.add(dialect.equalsIgnoringCase("l.condition"));
            parameters.add(query.condition());
        }
        if (query.seenAfter() != null) {
            predicates.add("l.seen_at >= ?");
            parameters.add(dialect.instantValue(query.seenAfter()));
        }
        if (query.seenBefore() != null) {
            predicates.add("l.seen_at < ?");
            parameters.add(dialect.instantValue(query.seenBefore()));
        }
        if (query.importId() != null) {
            predicates.add("l.import_key = (SELECT i.id FROM imports i WHERE i.import_id = ?)");
            parameters.add(query.importId());
        }
        addSpecAndOfferPredicates(query, predicates, parameters);
        if (query.current()) {
            predicates.add((seekImports ? "l.import_key" : dialect.residual("l.import_key")) + " IN ("
                    + dialect.currentImports() + ")");
        }
        if (query.distinctOffers()) {
            // No earlier row of the same offer in the same import: l is the offer's first row.
            predicates.add("NOT EXISTS (SELECT 1 FROM listings d WHERE " + sameOffer
                    + " AND d.import_index < l.import_index)");
        }
        return predicates;
    }

    private void addSpecAndOfferPredicates(ListingQuery query, List<String> predicates, List<Object> parameters) {
        if (query.minVramGb() != null) {
            predicates.add("l.vram_gb >= ?");
            parameters.add(query.minVramGb());
        }
        if (query.maxVramGb() != null) {
            predicates.add("l.vram_gb <= ?");
            parameters.add(query.maxVramGb());
        }
        if (query.minMigSupport() != null) {
            predicates.add("l.mig_support >= ?");
            parameters.add(query.minMigSupport());
        }
        if (query.nvlink() != null) {
            predicates.add("l.nvlink = ?");
            parameters.add(dialect.booleanValue(query.nvlink()));
        }
        addText(predicates, parameters, "l.generation", query.generation());
        addText(predicates, parameters, "l.form_factor", query.formFactor());
        addText(predicates, parameters, "l.seller", query.seller());
        addText(predicates, parameters, "l.source_type", query.sourceType());
        addText(predicates, parameters, "l.availability", query.availability());
        if (query.inStock()) {
            predicates.add(dialect.inStock());
        }
        if (query.sourceUrl() != null) {
            predicates.add("l.source_url = ?");
            parameters.add(query.sourceUrl());
        }
        if (query.minMatchScore() != null) {
            predicates.add("l.match_score >= ?");
            parameters.add(query.minMatchScore());
        }
    }

    private void addText(List<String> predicates, List<Object> parameters, String column, String value) {
        if (value != null) {
            predicates.add(dialect.equalsIgnoringCase(column));
            parameters.add(value);
        }
    }

    /**
     * Returns the statements that read one page of a query, each ending in ORDER BY with no LIMIT: run them in turn,
     * each limited to the rows still wanted ({@link Sql#withLimit}), until the page is full.
     *
     * <p>Without a position that is the query itself. After a position it is one index range per statement, so a deep
     * page costs what the first one costs: first the rows that tie with the last row's sort value and come after it
     * by tiebreak, then the rows whose sort value comes after it, then, in {@code SEEN_AT_DESC}, the rows without
     * {@code seenAt} (which sort last). A single row-value comparison such as {@code (score, id) < (?, ?)} would
     * seek only on its first column and then step through every tie.
     *
     * @param select a SELECT prefix as {@link #select} takes
     * @param after where the previous page ended, or null for the first page
     */
    public List<Sql> page(String select, ListingQuery query, PageToken after) {
        List<Sql> segments = new ArrayList<>();
        if (after == null) {
            segments.add(segment(select, query, null, List.of()));
            return segments;
        }
        Object key = bindableKey(query.orderBy(), after.key());
        long tiebreak = after.tiebreak();
        String price = "l." + dialect.priceColumn();
        switch (query.orderBy()) {
            case SCORE_DESC:
                segments.add(segment(select, query, "l.score = ? AND l.id < ?", List.of(key, tiebreak)));
                segments.add(segment(select, query, "l.score < ?", List.of(key)));
                break;
            case PRICE_ASC:
                segments.add(segment(select, query, price + " = ? AND l.id > ?", List.of(key, tiebreak)));
                segments.add(segment(select, query, price + " > ?", List.of(key)));
                break;
            case PRICE_DESC:
                segments.add(segment(select, query, price + " = ? AND l.id < ?", List.of(key, tiebreak)));
                segments.add(segment(select, query, price + " < ?", List.of(key)));
                break;
            case SEEN_AT_DESC:
                if (key == null) {
                    segments.add(segment(select, query, "l.seen_at IS NULL AND l.id < ?", List.of(tiebreak)));
                } else {
                    segments.add(segment(select, query, "l.seen_at = ? AND l.id < ?", List.of(key, tiebreak)));
                    segments.add(segment(select, query, "l.seen_at < ?", List.of(key)));
                    // A time bound already excludes listings without seenAt.
                    if (query.seenAfter() == null && query.seenBefore() == null) {
                        segments.add(segment(select, query, "l.seen_at IS NULL", List.of()));
                    }
                }
                break;
            case IMPORT_ORDER:
                segments.add(segment(select, query, "l.import_key = ? AND l.import_index > ?", List.of(key, tiebreak)));
                // With an import filter every row has the same import key, so later imports cannot match.
                if (query.importId() == null) {
                    segments.add(segment(select, query, "l.import_key > ?", List.of(key)));
                }
                break;
            default:
                throw new IllegalArgumentException("unknown order " + query.orderBy());
        }
        return segments;
    }

    /** Turns a token's backend-neutral key (micro-dollars, epoch microseconds) into the column's bind value. */
    private Object bindableKey(ListingQuery.Order order, Object key) {
        if (key == null) {
            return null;
        }
        return switch (order) {
            case PRICE_ASC, PRICE_DESC -> dialect.priceKeyValue((Long) key);
            case SEEN_AT_DESC -> dialect.instantValue(JdbcValues.fromEpochMicros((Long) key));
            case SCORE_DESC, IMPORT_ORDER -> key;
        };
    }

    /**
     * Returns {@code select} with the query's filters, a position predicate (or none) and ORDER BY. Several models in
     * a score or price order become one arm per model, each one range of that model's index in the order, merged by
     * {@code UNION ALL ... ORDER BY} as the engine reads them (SQLite's MERGE, PostgreSQL's Merge Append) instead of
     * sorting every match of every model.
     */
    private Sql segment(String select, ListingQuery query, String position, List<Object> values) {
        List<Object> parameters = new ArrayList<>();
        boolean seekImports = query.orderBy() == ListingQuery.Order.IMPORT_ORDER;
        StringBuilder sql = new StringBuilder();
        List<String> arms = mergedModels(query);
        if (arms.size() > 1) {
            String armOrder = orderBy(query.orderBy());
            // select reads limit + offset rows, a page limit + 1.
            long rest = Math.max(query.offset(), 1);
            long armRows = rest > Long.MAX_VALUE - query.limit() ? Long.MAX_VALUE : query.limit() + rest;
            for (int i = 0; i < arms.size(); i++) {
                StringBuilder text = new StringBuilder();
                List<Object> armParameters = new ArrayList<>();
                appendFiltered(text, select, predicates(query, armParameters, arms.get(i), seekImports), position,
                        values, armParameters);
                Sql arm = dialect.mergeArm(new Sql(text.toString(), armParameters), armOrder, armRows);
                sql.append(i == 0 ? "" : " UNION ALL ").append(arm.text());
                parameters.addAll(arm.parameters());
            }
            sql.append(" ORDER BY ").append(mergedOrderBy(query.orderBy()));
        } else {
            appendFiltered(sql, select, predicates(query, parameters, null, seekImports), position, values,
                    parameters);
            sql.append(" ORDER BY ").append(orderBy(query.orderBy()));
        }
        return new Sql(sql.toString(), parameters);
    }

    /**
     * Returns the models to read as one arm each, or an empty list for no merge: the query's models without those
     * that repeat one ignoring ASCII case (two arms would return the same rows twice), where the dialect merges and
     * the order has a model index.
     */
    private List<String> mergedModels(ListingQuery query) {
        ListingQuery.Order order = query.orderBy();
        if (query.models() == null || (order != ListingQuery.Order.SCORE_DESC
                && order != ListingQuery.Order.PRICE_ASC && order != ListingQuery.Order.PRICE_DESC)) {
            return List.of();
        }
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String model : query.models()) {
            byKey.putIfAbsent(asciiLowerCase(model), model);
        }
        return new ArrayList<>(byKey.values());
    }

    private static String asciiLowerCase(String text) {
        StringBuilder lower = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return lower.toString();
    }

    private static void appendFiltered(StringBuilder sql, String select, List<String> predicates, String position,
            List<Object> values, List<Object> parameters) {
        sql.append(select);
        if (position != null) {
            predicates.add(position);
            parameters.addAll(values);
        }
        if (!predicates.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", predicates));
        }
    }

    /** The ORDER BY of a merge: the same terms as {@link #orderBy}, over the arms' output column names. */
    private String mergedOrderBy(ListingQuery.Order order) {
        String price = dialect.priceColumn();
        return switch (order) {
            case SCORE_DESC -> "score DESC, " + ID_ALIAS + " DESC";
            case PRICE_ASC -> price + " ASC, " + ID_ALIAS + " ASC";
            case PRICE_DESC -> price + " DESC, " + ID_ALIAS + " DESC";
            default -> throw new IllegalArgumentException("no merge for order " + order);
        };
    }

    /**
     * Returns the ORDER BY terms for an order. Ties go by storage order (the row stored later first in a
     * descending order), which keeps each order a single index scan.
     */
    public String orderBy(ListingQuery.Order order) {
        String price = "l." + dialect.priceColumn();
        switch (order) {
            case SCORE_DESC:
                return "l.score DESC, l.id DESC";
            case PRICE_ASC:
                return price + " ASC, l.id ASC";
            case PRICE_DESC:
                return price + " DESC, l.id DESC";
            case SEEN_AT_DESC:
                return dialect.descendingNullsLast("l.seen_at") + ", l.id DESC";
            case IMPORT_ORDER:
                return "l.import_key ASC, l.import_index ASC";
            default:
                throw new IllegalArgumentException("unknown order " + order);
        }
    }
}
