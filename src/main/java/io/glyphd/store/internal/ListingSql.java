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
        if (!predicates.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", predicates));
        }
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
