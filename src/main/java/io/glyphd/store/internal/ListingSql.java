package io.glyphd.store.internal;

import io.glyphd.store.ListingQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link ListingQuery} into SQL for any backend: filters become predicates over the listings table
 * (alias {@code l}) with every value bound as a {@code ?}, and only the {@link ListingQuery.Order} enum chooses
 * the {@code ORDER BY} text. Dialect differences go through {@link SqlDialect}.
 */
public final class ListingSql {
    private final SqlDialect dialect;

    /** Creates a builder for one backend. */
    public ListingSql(SqlDialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Returns {@code select} followed by the query's WHERE, ORDER BY, LIMIT and OFFSET.
     *
     * @param select a SELECT ... FROM listings l ... prefix with no WHERE clause
     */
    public Sql select(String select, ListingQuery query) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder(select);
        appendWhere(sql, query, parameters);
        sql.append(" ORDER BY ").append(orderBy(query.orderBy()));
        sql.append(" LIMIT ? OFFSET ?");
        parameters.add(query.limit());
        parameters.add(query.offset());
        return new Sql(sql.toString(), parameters);
    }

    /** Returns a count of the rows matching the query's filters. */
    public Sql count(ListingQuery query) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM listings l");
        appendWhere(sql, query, parameters);
        return new Sql(sql.toString(), parameters);
    }

    /** Appends {@code WHERE ...} for the query's filters (nothing if it has none) and collects the values. */
    public void appendWhere(StringBuilder sql, ListingQuery query, List<Object> parameters) {
        List<String> predicates = predicates(query, parameters);
        if (!predicates.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", predicates));
        }
    }

    private List<String> predicates(ListingQuery query, List<Object> parameters) {
        List<String> predicates = new ArrayList<>();
        if (query.model() != null) {
            predicates.add(dialect.equalsIgnoringCase("l.canonical_model"));
            parameters.add(query.model());
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
        return predicates;
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
     * @param select a SELECT ... FROM listings l ... prefix with no WHERE clause
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

    private Sql segment(String select, ListingQuery query, String position, List<Object> values) {
        List<Object> parameters = new ArrayList<>();
        List<String> predicates = predicates(query, parameters);
        if (position != null) {
            predicates.add(position);
            parameters.addAll(values);
        }
        StringBuilder sql = new StringBuilder(select);
        if (!predicates.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", predicates));
        }
        sql.append(" ORDER BY ").append(orderBy(query.orderBy()));
        return new Sql(sql.toString(), parameters);
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
