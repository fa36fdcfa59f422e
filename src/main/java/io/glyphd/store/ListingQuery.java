package io.glyphd.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * Which listings to read, in which order, and how many.
 *
 * <p>Every filter is optional (null means "any") and filters combine with AND. {@code model}, {@code region}
 * and {@code condition} match exactly, ignoring ASCII case; {@code %} and {@code _} have no special meaning.
 * Score and price bounds are inclusive. Time bounds are half-open: {@code seenAfter <= seenAt < seenBefore};
 * a listing without {@code seenAt} never matches a time bound. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * ListingQuery query = ListingQuery.builder().model("H100_PCIE_80GB").minScore(0.7)
 *         .maxPrice(new BigDecimal("25000")).orderBy(ListingQuery.Order.SCORE_DESC).limit(50).build();
 * }</pre>
 *
 * @param model canonical model
 * @param minScore lowest score, inclusive
 * @param maxScore highest score, inclusive
 * @param minPrice lowest price in USD, inclusive
 * @param maxPrice highest price in USD, inclusive
 * @param region region
 * @param condition offer condition
 * @param seenAfter earliest {@code seenAt}, inclusive
 * @param seenBefore latest {@code seenAt}, exclusive
 * @param importId import the listings belong to; surrounding whitespace is stripped, as {@link ImportRequest} does
 * @param orderBy sort order; never null
 * @param limit most listings to return, 1 to {@value #MAX_LIMIT}
 * @param offset listings to skip first, {@code >= 0}
 */
public record ListingQuery(String model, Double minScore, Double maxScore, BigDecimal minPrice, BigDecimal maxPrice,
        String region, String condition, Instant seenAfter, Instant seenBefore, String importId, Order orderBy,
        int limit, long offset) {

    /** Limit used when none is given. */
    public static final int DEFAULT_LIMIT = 100;
    /** Largest limit accepted. */
    public static final int MAX_LIMIT = 10_000;

    /**
     * Checks that the query is consistent.
     *
     * @throws IllegalArgumentException if a bound is not finite or negative, a minimum exceeds its maximum,
     *         {@code limit} is out of range or {@code offset} is negative; the message names the parameter
     * @throws NullPointerException if {@code orderBy} is null
     */
    public ListingQuery {
        Objects.requireNonNull(orderBy, "orderBy");
        importId = importId == null ? null : importId.strip();
        if (minScore != null) {
            Checks.finite("minScore", minScore, null);
        }
        if (maxScore != null) {
            Checks.finite("maxScore", maxScore, null);
        }
        if (minScore != null && maxScore != null && minScore > maxScore) {
            throw new IllegalArgumentException("minScore must be <= maxScore, was " + minScore + " > " + maxScore);
        }
        if (minPrice != null && minPrice.signum() < 0) {
            throw new IllegalArgumentException("minPrice must be >= 0, was " + minPrice.toPlainString());
        }
        if (maxPrice != null && maxPrice.signum() < 0) {
            throw new IllegalArgumentException("maxPrice must be >= 0, was " + maxPrice.toPlainString());
        }
        if (minPrice != null && maxPrice != null && minPrice.compareTo(maxPrice) > 0) {
            throw new IllegalArgumentException("minPrice must be <= maxPrice, was " + minPrice.toPlainString()
                    + " > " + maxPrice.toPlainString());
        }
        if (seenAfter != null && seenBefore != null && seenAfter.isAfter(seenBefore)) {
            throw new IllegalArgumentException("seenAfter must not be after seenBefore, was " + seenAfter
                    + " > " + seenBefore);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /** Returns a query for all listings in {@link Order#IMPORT_ORDER}, with the default limit. */
    public static ListingQuery all() {
        return builder().build();
    }

    /** Returns a builder with no filters, {@link Order#IMPORT_ORDER}, limit {@value #DEFAULT_LIMIT}, offset 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this query, for a copy with a few parameters changed. */
    public Builder toBuilder() {
        return new Builder().model(model).minScore(minScore).maxScore(maxScore).minPrice(minPrice)
                .maxPrice(maxPrice).region(region).condition(condition).seenAfter(seenAfter).seenBefore(seenBefore)
                .importId(importId).orderBy(orderBy).limit(limit).offset(offset);
    }

    /**
     * Sort orders. Ties are broken by storage order (for descending orders, the listing stored later comes
     * first), so results are deterministic.
     */
    public enum Order {
        /** Highest score first. */
        SCORE_DESC,
        /** Cheapest first. */
        PRICE_ASC,
        /** Most expensive first. */
        PRICE_DESC,
        /** Most recently seen first; listings without {@code seenAt} last. */
        SEEN_AT_DESC,
        /** By import (in the order imports were first created), then by position in the import. */
        IMPORT_ORDER
    }

    /** Builds a {@link ListingQuery}; {@link #build()} runs the record's checks. Not thread-safe. */
    public static final class Builder {
        private String model;
        private Double minScore;
        private Double maxScore;
        private BigDecimal minPrice;
        private BigDecimal maxPrice;
        private String region;
        private String condition;
        private Instant seenAfter;
        private Instant seenBefore;
        private String importId;
        private Order orderBy = Order.IMPORT_ORDER;
        private int limit = DEFAULT_LIMIT;
        private long offset;

        private Builder() {
        }

        /** Keeps listings of this canonical model (ignoring ASCII case). */
        public Builder model(String value) {
            model = value;
            return this;
        }

        /** Keeps listings scoring at least this. */
        public Builder minScore(Double value) {
            minScore = value;
            return this;
        }

        /** Keeps listings scoring at most this. */
        public Builder maxScore(Double value) {
            maxScore = value;
            return this;
        }

        /** Keeps listings costing at least this. */
        public Builder minPrice(BigDecimal value) {
            minPrice = value;
            return this;
        }

        /** Keeps listings costing at most this. */
        public Builder maxPrice(BigDecimal value) {
            maxPrice = value;
            return this;
        }

        /** Keeps listings in this region (ignoring ASCII case). */
        public Builder region(String value) {
            region = value;
            return this;
        }

        /** Keeps listings in this condition (ignoring ASCII case). */
        public Builder condition(String value) {
            condition = value;
            return this;
        }

        /** Keeps listings seen at or after this instant. */
        public Builder seenAfter(Instant value) {
            seenAfter = value;
            return this;
        }

        /** Keeps listings seen before this instant. */
        public Builder seenBefore(Instant value) {
            seenBefore = value;
            return this;
        }

        /** Keeps listings of this import. */
        public Builder importId(String value) {
            importId = value;
            return this;
        }

        /** Sets the sort order. */
        public Builder orderBy(Order value) {
            orderBy = value;
            return this;
        }

        /** Sets the most listings to return. */
        public Builder limit(int value) {
            limit = value;
            return this;
        }

        /** Sets how many listings to skip. */
        public Builder offset(long value) {
            offset = value;
            return this;
        }

        /**
         * Builds the query.
         *
         * @throws IllegalArgumentException if the query is inconsistent; see {@link ListingQuery}
         */
        public ListingQuery build() {
            return new ListingQuery(model, minScore, maxScore, minPrice, maxPrice, region, condition, seenAfter,
                    seenBefore, importId, orderBy, limit, offset);
        }
    }
}
