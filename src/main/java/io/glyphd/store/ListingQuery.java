package io.glyphd.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which listings to read, in which order, and how many.
 *
 * <p>Every filter is optional (null or false means "any") and filters combine with AND. {@code model},
 * {@code models}, {@code region}, {@code condition}, {@code generation}, {@code formFactor}, {@code seller},
 * {@code sourceType} and {@code availability} match exactly, ignoring ASCII case (and only ASCII case: {@code é} does
 * not match {@code É}); {@code sourceUrl} matches exactly; {@code %} and {@code _} have no special meaning. Numeric
 * bounds are inclusive. Time bounds are half-open: {@code seenAfter <= seenAt < seenBefore}. A listing without the
 * value a filter reads never matches it: one without {@code seenAt} matches no time bound, one without {@code vramGb}
 * no VRAM bound, one whose {@code nvlink} is unknown neither {@code nvlink(true)} nor {@code nvlink(false)}. Build
 * one with {@link #builder()}:
 *
 * <pre>{@code
 * ListingQuery query = ListingQuery.builder().model("H100_PCIE_80GB").minScore(0.7)
 *         .maxPrice(new BigDecimal("25000")).orderBy(ListingQuery.Order.SCORE_DESC).limit(50).build();
 * }</pre>
 *
 * <p><b>In stock</b> ({@code inStock}): a listing a buyer can order now, i.e. its {@code availability} is
 * {@code Available} (ignoring ASCII case) or, for a listing without an availability, its {@code quantity} is at least
 * 1. The pipeline writes {@code Available} or {@code Unavailable} (in its {@code quantity} column, which the readers
 * turn into {@code availability}); the marketplace's own word wins, so {@code Unavailable} with a quantity of 5 is
 * not in stock, and neither is a listing with no availability and no quantity. Both backends keep indexes of the
 * listings in stock by price and by score, so "the cheapest in stock" or "the best in stock" ({@code inStock} with
 * {@code PRICE_ASC}, {@code PRICE_DESC} or {@code SCORE_DESC}, with or without price and VRAM bounds) reads only
 * in-stock listings.
 *
 * <p><b>The current market</b> ({@code current}): only the listings of the newest import of each source, where an
 * import's source is {@link ImportMetadata#source()} (compared exactly), newest means the latest
 * {@link ImportMetadata#importedAt()} (which a re-import refreshes; among equal times, the import created last), and
 * an import without a source is a source of its own (so it is always current). Older imports of a source stay in the
 * store, for {@code history} and {@code diff}, but drop out of the current market.
 *
 * <p><b>One row per offer</b> ({@code distinctOffers}): an import often holds one offer several times. With this
 * option each offer counts once per import, through its first row (lowest {@link Listing#importIndex()}), the row
 * {@link ListingStore#history} shows for it; {@link Listing#offerRows()} says how many rows of its import it stands
 * for. An offer is a listing identity as {@code history} defines it: its {@code sourceUrl} (exactly) and its
 * {@code canonicalModel} (ignoring ASCII case); a listing without a {@code sourceUrl} (null or empty) is an offer of
 * its own. The other filters apply to the offer's first row: an offer whose first row costs 120 USD does not match
 * {@code maxPrice(100)} through a cheaper duplicate. Counts, pages, streams and {@link ListingStore#modelStats} all
 * count offers.
 *
 * @param model canonical model; not together with {@code models}
 * @param minScore lowest score, inclusive
 * @param maxScore highest score, inclusive
 * @param minPrice lowest price in USD, inclusive; 0 to {@link #MAX_PRICE_BOUND}, at most
 *        {@value #MAX_PRICE_BOUND_SCALE} decimal places
 * @param maxPrice highest price in USD, inclusive; as {@code minPrice}
 * @param region region
 * @param condition offer condition
 * @param seenAfter earliest {@code seenAt}, inclusive
 * @param seenBefore latest {@code seenAt}, exclusive
 * @param importId import the listings belong to; surrounding whitespace is stripped, as {@link ImportRequest} does
 * @param models canonical models, any of which matches (each as {@code model} does); 1 to {@value #MAX_MODELS} of
 *        them, not together with {@code model}; an immutable copy
 * @param minVramGb lowest {@code vramGb}, inclusive, {@code >= 0}
 * @param maxVramGb highest {@code vramGb}, inclusive, {@code >= 0}
 * @param minMigSupport lowest {@code migSupport}, inclusive, 0 to 7
 * @param nvlink whether the card has NVLink
 * @param generation architecture generation, e.g. {@code Ada}
 * @param formFactor form factor, e.g. {@code Dual-slot}
 * @param seller seller name
 * @param sourceType the scraper that produced the offer, e.g. {@code Shopify_Wamatek}
 * @param availability availability text, e.g. {@code Available}; with {@code inStock} only {@code Available}
 * @param inStock true for listings in stock only, as defined above
 * @param sourceUrl address of the offer, matched exactly; not empty
 * @param minMatchScore lowest {@code matchScore} (the pipeline's confidence in the canonical model), inclusive
 * @param current true for the current market only, as defined above
 * @param distinctOffers true for one row per offer, as defined above
 * @param orderBy sort order; never null
 * @param limit most listings to return, 1 to {@value #MAX_LIMIT}
 * @param offset listings to skip first, {@code >= 0}
 */
public record ListingQuery(String model, Double minScore, Double maxScore, BigDecimal minPrice, BigDecimal maxPrice,
        String region, String condition, Instant seenAfter, Instant seenBefore, String importId, List<String> models,
        Integer minVramGb, Integer maxVramGb, Integer minMigSupport, Boolean nvlink, String generation,
        String formFactor, String seller, String sourceType, String availability, boolean inStock, String sourceUrl,
        Double minMatchScore, boolean current, boolean distinctOffers, Order orderBy, int limit, long offset) {

    /** Limit used when none is given. */
    public static final int DEFAULT_LIMIT = 100;
    /** Largest limit accepted. */
    public static final int MAX_LIMIT = 10_000;
    /**
     * Most listings {@link ListingStore#streamListings} reads in one page and holds at a time, whatever the query's
     * limit. Larger pages only give the garbage collector more to copy: an export of 1,000,000 listings in a 128 MB
     * heap spent about 2 s of its 9 in collection pauses with pages of 10,000 on SQLite, and under 0.2 s with pages of
     * 1,000 (docs/BENCHMARKS.md).
     */
    public static final int STREAM_PAGE_LIMIT = 1_000;
    /** Most models {@code models} may name. */
    public static final int MAX_MODELS = 1_000;
    /** The {@code availability} of a listing in stock, matched ignoring ASCII case. */
    public static final String AVAILABLE = "Available";
    /**
     * Largest {@code minPrice} or {@code maxPrice}, 10^15 USD: above any price a listing may have
     * ({@link Listing#MAX_PRICE}), and small enough that a bound is checked and bound at once.
     */
    public static final BigDecimal MAX_PRICE_BOUND = new BigDecimal("1000000000000000");
    /** Most decimal places of {@code minPrice} or {@code maxPrice}, trailing zeros aside. */
    public static final int MAX_PRICE_BOUND_SCALE = 18;

    /**
     * Checks that the query is consistent.
     *
     * @param model see {@link #model()}
     * @param minScore see {@link #minScore()}
     * @param maxScore see {@link #maxScore()}
     * @param minPrice see {@link #minPrice()}
     * @param maxPrice see {@link #maxPrice()}
     * @param region see {@link #region()}
     * @param condition see {@link #condition()}
     * @param seenAfter see {@link #seenAfter()}
     * @param seenBefore see {@link #seenBefore()}
     * @param importId see {@link #importId()}
     * @param models see {@link #models()}
     * @param minVramGb see {@link #minVramGb()}
     * @param maxVramGb see {@link #maxVramGb()}
     * @param minMigSupport see {@link #minMigSupport()}
     * @param nvlink see {@link #nvlink()}
     * @param generation see {@link #generation()}
     * @param formFactor see {@link #formFactor()}
     * @param seller see {@link #seller()}
     * @param sourceType see {@link #sourceType()}
     * @param availability see {@link #availability()}
     * @param inStock see {@link #inStock()}
     * @param sourceUrl see {@link #sourceUrl()}
     * @param minMatchScore see {@link #minMatchScore()}
     * @param current see {@link #current()}
     * @param distinctOffers see {@link #distinctOffers()}
     * @param orderBy see {@link #orderBy()}
     * @param limit see {@link #limit()}
     * @param offset see {@link #offset()}
     * @throws IllegalArgumentException if a bound is not finite or out of range, a minimum exceeds its maximum,
     *         {@code model} and {@code models} are both set, {@code models} is empty or too long, a text filter holds
     *         NUL (U+0000) or a lone surrogate, {@code sourceUrl} is empty, {@code availability} is not
     *         {@code Available} with {@code inStock}, {@code limit} is out of range or {@code offset} is negative; the
     *         message names the parameters
     * @throws NullPointerException if {@code orderBy} or an element of {@code models} is null
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
        Checks.priceBound("minPrice", minPrice, MAX_PRICE_BOUND, MAX_PRICE_BOUND_SCALE);
        Checks.priceBound("maxPrice", maxPrice, MAX_PRICE_BOUND, MAX_PRICE_BOUND_SCALE);
        if (minPrice != null && maxPrice != null && minPrice.compareTo(maxPrice) > 0) {
            throw new IllegalArgumentException("minPrice must be <= maxPrice, was " + Checks.show(minPrice)
                    + " > " + Checks.show(maxPrice));
        }
        models = models == null ? null : checkModels(model, models);
        Checks.atLeast("minVramGb", minVramGb, 0, null);
        Checks.atLeast("maxVramGb", maxVramGb, 0, null);
        if (minVramGb != null && maxVramGb != null && minVramGb > maxVramGb) {
            throw new IllegalArgumentException("minVramGb must be <= maxVramGb, was " + minVramGb + " > " + maxVramGb);
        }
        Checks.between("minMigSupport", minMigSupport, 0, 7, null);
        Checks.matchable("generation", generation, Listing.MAX_TEXT_LENGTH, null);
        Checks.matchable("formFactor", formFactor, Listing.MAX_TEXT_LENGTH, null);
        Checks.matchable("seller", seller, Listing.MAX_TEXT_LENGTH, null);
        Checks.matchable("sourceType", sourceType, Listing.MAX_TEXT_LENGTH, null);
        Checks.matchable("availability", availability, Listing.MAX_TEXT_LENGTH, null);
        if (inStock && availability != null && !Checks.equalsIgnoringAsciiCase(availability, AVAILABLE)) {
            throw new IllegalArgumentException("availability must be " + AVAILABLE + " (or unset) with inStock, was "
                    + availability);
        }
        Checks.matchable("sourceUrl", sourceUrl, Listing.MAX_TEXT_LENGTH, null);
        if (sourceUrl != null && sourceUrl.isEmpty()) {
            throw new IllegalArgumentException("sourceUrl must not be empty; a listing without one is matched by no"
                    + " sourceUrl");
        }
        if (minMatchScore != null) {
            Checks.finite("minMatchScore", minMatchScore, null);
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

    private static List<String> checkModels(String model, List<String> models) {
        List<String> copy = new ArrayList<>(models);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i) == null) {
                throw new NullPointerException("models[" + i + "] is null");
            }
        }
        if (model != null) {
            throw new IllegalArgumentException("model and models cannot both be set, were " + model + " and " + copy
                    + "; list every model in models");
        }
        if (copy.isEmpty() || copy.size() > MAX_MODELS) {
            throw new IllegalArgumentException("models must name 1 to " + MAX_MODELS + " models, was " + copy.size());
        }
        return List.copyOf(copy);
    }

    /** {@return a query for all listings in {@link Order#IMPORT_ORDER}, with the default limit} */
    public static ListingQuery all() {
        return builder().build();
    }

    /** {@return a builder with no filters, {@link Order#IMPORT_ORDER}, limit {@value #DEFAULT_LIMIT}, offset 0} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this query, for a copy with a few parameters changed} */
    public Builder toBuilder() {
        return new Builder().model(model).minScore(minScore).maxScore(maxScore).minPrice(minPrice)
                .maxPrice(maxPrice).region(region).condition(condition).seenAfter(seenAfter).seenBefore(seenBefore)
                .importId(importId).models(models).minVramGb(minVramGb).maxVramGb(maxVramGb)
                .minMigSupport(minMigSupport).nvlink(nvlink).generation(generation).formFactor(formFactor)
                .seller(seller).sourceType(sourceType).availability(availability).inStock(inStock).sourceUrl(sourceUrl)
                .minMatchScore(minMatchScore).current(current).distinctOffers(distinctOffers).orderBy(orderBy)
                .limit(limit).offset(offset);
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
        private List<String> models;
        private Integer minVramGb;
        private Integer maxVramGb;
        private Integer minMigSupport;
        private Boolean nvlink;
        private String generation;
        private String formFactor;
        private String seller;
        private String sourceType;
        private String availability;
        private boolean inStock;
        private String sourceUrl;
        private Double minMatchScore;
        private boolean current;
        private boolean distinctOffers;
        private Order orderBy = Order.IMPORT_ORDER;
        private int limit = DEFAULT_LIMIT;
        private long offset;

        private Builder() {
        }

        /**
         * Keeps listings of this canonical model (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder model(String value) {
            model = value;
            return this;
        }

        /**
         * Keeps listings scoring at least this.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder minScore(Double value) {
            minScore = value;
            return this;
        }

        /**
         * Keeps listings scoring at most this.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder maxScore(Double value) {
            maxScore = value;
            return this;
        }

        /**
         * Keeps listings costing at least this.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder minPrice(BigDecimal value) {
            minPrice = value;
            return this;
        }

        /**
         * Keeps listings costing at most this.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder maxPrice(BigDecimal value) {
            maxPrice = value;
            return this;
        }

        /**
         * Keeps listings in this region (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder region(String value) {
            region = value;
            return this;
        }

        /**
         * Keeps listings in this condition (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder condition(String value) {
            condition = value;
            return this;
        }

        /**
         * Keeps listings seen at or after this instant.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder seenAfter(Instant value) {
            seenAfter = value;
            return this;
        }

        /**
         * Keeps listings seen before this instant.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder seenBefore(Instant value) {
            seenBefore = value;
            return this;
        }

        /**
         * Keeps listings of this import.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder importId(String value) {
            importId = value;
            return this;
        }

        /**
         * Keeps listings of any of these canonical models (each ignoring ASCII case); null clears the filter.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder models(List<String> value) {
            models = value;
            return this;
        }

        /**
         * Keeps listings of any of these canonical models (each ignoring ASCII case).
         *
         * @param values the value, or null for no such filter
         * @return this builder
         */
        public Builder models(String... values) {
            models = values == null ? null : Arrays.asList(values);
            return this;
        }

        /**
         * Keeps listings with at least this much memory, in GB.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder minVramGb(Integer value) {
            minVramGb = value;
            return this;
        }

        /**
         * Keeps listings with at most this much memory, in GB.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder maxVramGb(Integer value) {
            maxVramGb = value;
            return this;
        }

        /**
         * Keeps listings supporting at least this many MIG instances.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder minMigSupport(Integer value) {
            minMigSupport = value;
            return this;
        }

        /**
         * Keeps listings with NVLink (true) or without it (false).
         *
         * @param value true or false, or null for no such filter
         * @return this builder
         */
        public Builder nvlink(Boolean value) {
            nvlink = value;
            return this;
        }

        /**
         * Keeps listings of this architecture generation (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder generation(String value) {
            generation = value;
            return this;
        }

        /**
         * Keeps listings of this form factor (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder formFactor(String value) {
            formFactor = value;
            return this;
        }

        /**
         * Keeps listings of this seller (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder seller(String value) {
            seller = value;
            return this;
        }

        /**
         * Keeps listings from this source type (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder sourceType(String value) {
            sourceType = value;
            return this;
        }

        /**
         * Keeps listings with this availability text (ignoring ASCII case).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder availability(String value) {
            availability = value;
            return this;
        }

        /**
         * Keeps listings in stock; see {@link ListingQuery}.
         *
         * @return this builder
         */
        public Builder inStock() {
            return inStock(true);
        }

        /**
         * Keeps listings in stock if true; see {@link ListingQuery}.
         *
         * @param value true to keep only those
         * @return this builder
         */
        public Builder inStock(boolean value) {
            inStock = value;
            return this;
        }

        /**
         * Keeps listings at this address (exactly).
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder sourceUrl(String value) {
            sourceUrl = value;
            return this;
        }

        /**
         * Keeps listings whose model match has at least this confidence.
         *
         * @param value the value, or null for no such filter
         * @return this builder
         */
        public Builder minMatchScore(Double value) {
            minMatchScore = value;
            return this;
        }

        /**
         * Keeps the current market only: the newest import of each source; see {@link ListingQuery}.
         *
         * @return this builder
         */
        public Builder current() {
            return current(true);
        }

        /**
         * Keeps the current market only if true; see {@link ListingQuery}.
         *
         * @param value true to keep only those
         * @return this builder
         */
        public Builder current(boolean value) {
            current = value;
            return this;
        }

        /** {@return one row per offer and import; see {@link ListingQuery}} */
        public Builder distinctOffers() {
            return distinctOffers(true);
        }

        /**
         * Returns one row per offer and import if true; see {@link ListingQuery}.
         *
         * @param value true to keep only those
         * @return this builder
         */
        public Builder distinctOffers(boolean value) {
            distinctOffers = value;
            return this;
        }

        /**
         * Sets the sort order.
         *
         * @param value the sort order
         * @return this builder
         */
        public Builder orderBy(Order value) {
            orderBy = value;
            return this;
        }

        /**
         * Sets the most listings to return.
         *
         * @param value the most listings to return
         * @return this builder
         */
        public Builder limit(int value) {
            limit = value;
            return this;
        }

        /**
         * Sets how many listings to skip.
         *
         * @param value how many listings to skip
         * @return this builder
         */
        public Builder offset(long value) {
            offset = value;
            return this;
        }

        /**
         * Builds the query.
         *
         * @return the query
         * @throws IllegalArgumentException if the query is inconsistent; see {@link ListingQuery}
         */
        public ListingQuery build() {
            return new ListingQuery(model, minScore, maxScore, minPrice, maxPrice, region, condition, seenAfter,
                    seenBefore, importId, models, minVramGb, maxVramGb, minMigSupport, nvlink, generation, formFactor,
                    seller, sourceType, availability, inStock, sourceUrl, minMatchScore, current, distinctOffers,
                    orderBy, limit, offset);
        }
    }
}
