package io.glyphd.store;

import io.glyphd.store.internal.JsonCodec;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One scored GPU listing as the pipeline emitted it, plus its provenance once stored.
 *
 * <p>Only {@code canonicalModel}, {@code price} and {@code score} are required; every other component may be
 * null. The compact constructor checks every component and normalises a few so that a listing reads back from
 * any store {@linkplain #equals(Object) equal} to the one written: {@code canonicalModel} is trimmed, {@code price}
 * loses trailing zeros ({@code 595.990} becomes {@code 595.99}), {@code -0.0} becomes {@code 0.0}, {@code seenAt}
 * is truncated to microseconds, and {@code heuristics} becomes an immutable JSON-shaped copy (numbers as
 * {@code Integer}, {@code Long}, {@code Double} or {@code BigInteger}; a null map becomes empty; NaN and infinite
 * numbers, which JSON cannot hold, are refused). Text fields are
 * stored exactly as given, up to {@value #MAX_TEXT_LENGTH} characters, and must be valid UTF-16 (no lone
 * surrogates); the three that queries match ({@code canonicalModel}, {@code region}, {@code condition}) must not
 * contain NUL (U+0000), which SQL databases such as SQLite treat as the end of the text when comparing. Build one
 * with {@link #builder()}.
 *
 * @param canonicalModel normalised GPU model, e.g. {@code H100_PCIE_80GB}; required, not blank
 * @param price offer price in USD, {@code >= 0}, at most {@value #MAX_PRICE_SCALE} decimal places; required
 * @param score utility score; required, finite
 * @param vramGb memory in GB, {@code >= 0}
 * @param tdpWatts thermal design power in watts, {@code >= 0}
 * @param migSupport number of MIG instances supported, 0 to 7
 * @param nvlink whether the card has NVLink
 * @param generation architecture, e.g. {@code Ada}
 * @param cudaCores CUDA core count, {@code >= 0}
 * @param slotWidth slots the card occupies, {@code > 0}, e.g. {@code 2.5}
 * @param pcieGeneration PCIe generation, {@code >= 1}
 * @param formFactor form factor, e.g. {@code Dual-slot}
 * @param title the marketplace's title for the offer
 * @param condition offer condition, e.g. {@code New}
 * @param quantity units offered, {@code >= 0}
 * @param availability availability text the marketplace gave, e.g. {@code Available}
 * @param minOrderQty minimum order quantity, {@code >= 1}
 * @param seller seller name
 * @param region geographic region of the offer, e.g. {@code USA}
 * @param sourceUrl address of the offer
 * @param sourceType which scraper produced the offer, e.g. {@code Shopify_Wamatek}
 * @param seenAt when the offer was seen
 * @param matchType how the title was matched to the model, e.g. {@code regex}
 * @param matchScore confidence of the match, finite
 * @param notes free-text notes
 * @param warnings free-text warnings
 * @param heuristics any further attributes, as a JSON object; never null
 * @param importId the import this listing was stored under; set by the store
 * @param importIndex 1-based position of this listing in its import; set by the store
 * @param offerRows how many rows of its import this listing stands for, itself included, {@code >= 1}: set by the
 *        store only on a listing read with {@link ListingQuery#distinctOffers()}, null otherwise. It is part of the
 *        record so that pages, streams and {@link ModelStats#bestListing()} carry it without a second result type;
 *        like the provenance it is ignored on import, and a listing read without {@code distinctOffers} (the way
 *        every other read works) has it null, so it reads back equal to the one written
 */
public record Listing(
        String canonicalModel, BigDecimal price, double score,
        Integer vramGb, Integer tdpWatts, Integer migSupport, Boolean nvlink, String generation, Integer cudaCores,
        Double slotWidth, Integer pcieGeneration, String formFactor,
        String title, String condition, Integer quantity, String availability, Integer minOrderQty, String seller,
        String region, String sourceUrl, String sourceType, Instant seenAt,
        String matchType, Double matchScore, String notes, String warnings, Map<String, Object> heuristics,
        String importId, Integer importIndex, Integer offerRows) {

    /** Longest text a listing field may hold, in UTF-16 characters. */
    public static final int MAX_TEXT_LENGTH = 10_000;
    /** Largest price a listing may have, in USD. */
    public static final BigDecimal MAX_PRICE = new BigDecimal("1000000000000");
    /** Most decimal places a price may have; prices are kept exactly, to the micro-dollar. */
    public static final int MAX_PRICE_SCALE = 6;

    /**
     * Checks and normalises every component.
     *
     * @param canonicalModel see {@link #canonicalModel()}
     * @param price see {@link #price()}
     * @param score see {@link #score()}
     * @param vramGb see {@link #vramGb()}
     * @param tdpWatts see {@link #tdpWatts()}
     * @param migSupport see {@link #migSupport()}
     * @param nvlink see {@link #nvlink()}
     * @param generation see {@link #generation()}
     * @param cudaCores see {@link #cudaCores()}
     * @param slotWidth see {@link #slotWidth()}
     * @param pcieGeneration see {@link #pcieGeneration()}
     * @param formFactor see {@link #formFactor()}
     * @param title see {@link #title()}
     * @param condition see {@link #condition()}
     * @param quantity see {@link #quantity()}
     * @param availability see {@link #availability()}
     * @param minOrderQty see {@link #minOrderQty()}
     * @param seller see {@link #seller()}
     * @param region see {@link #region()}
     * @param sourceUrl see {@link #sourceUrl()}
     * @param sourceType see {@link #sourceType()}
     * @param seenAt see {@link #seenAt()}
     * @param matchType see {@link #matchType()}
     * @param matchScore see {@link #matchScore()}
     * @param notes see {@link #notes()}
     * @param warnings see {@link #warnings()}
     * @param heuristics see {@link #heuristics()}
     * @param importId see {@link #importId()}
     * @param importIndex see {@link #importIndex()}
     * @param offerRows see {@link #offerRows()}
     * @throws IllegalArgumentException if a component is out of range; the message names it and its value
     * @throws NullPointerException if {@code canonicalModel} or {@code price} is null
     */
    public Listing {
        if (canonicalModel == null) {
            throw new NullPointerException("canonicalModel is required");
        }
        canonicalModel = Checks.matchable("canonicalModel", canonicalModel.strip(), MAX_TEXT_LENGTH, null);
        if (canonicalModel.isEmpty()) {
            throw new IllegalArgumentException("canonicalModel must not be blank");
        }
        String owner = canonicalModel;
        price = Checks.price("price", price, owner);
        score = Checks.finite("score", score, owner);
        Checks.atLeast("vramGb", vramGb, 0, owner);
        Checks.atLeast("tdpWatts", tdpWatts, 0, owner);
        Checks.between("migSupport", migSupport, 0, 7, owner);
        generation = Checks.text("generation", generation, MAX_TEXT_LENGTH, owner);
        Checks.atLeast("cudaCores", cudaCores, 0, owner);
        slotWidth = Checks.finite("slotWidth", slotWidth, owner);
        if (slotWidth != null && slotWidth <= 0) {
            throw new IllegalArgumentException("slotWidth must be > 0 for " + owner + ", was " + slotWidth);
        }
        Checks.atLeast("pcieGeneration", pcieGeneration, 1, owner);
        formFactor = Checks.text("formFactor", formFactor, MAX_TEXT_LENGTH, owner);
        title = Checks.text("title", title, MAX_TEXT_LENGTH, owner);
        condition = Checks.matchable("condition", condition, MAX_TEXT_LENGTH, owner);
        Checks.atLeast("quantity", quantity, 0, owner);
        availability = Checks.text("availability", availability, MAX_TEXT_LENGTH, owner);
        Checks.atLeast("minOrderQty", minOrderQty, 1, owner);
        seller = Checks.text("seller", seller, MAX_TEXT_LENGTH, owner);
        region = Checks.matchable("region", region, MAX_TEXT_LENGTH, owner);
        sourceUrl = Checks.text("sourceUrl", sourceUrl, MAX_TEXT_LENGTH, owner);
        sourceType = Checks.text("sourceType", sourceType, MAX_TEXT_LENGTH, owner);
        seenAt = Checks.instant("seenAt", seenAt, owner);
        matchType = Checks.text("matchType", matchType, MAX_TEXT_LENGTH, owner);
        matchScore = Checks.finite("matchScore", matchScore, owner);
        notes = Checks.text("notes", notes, MAX_TEXT_LENGTH, owner);
        warnings = Checks.text("warnings", warnings, MAX_TEXT_LENGTH, owner);
        heuristics = JsonCodec.normalizeObject("heuristics", heuristics, owner);
        importId = importId == null ? null : Checks.importId(importId);
        Checks.atLeast("importIndex", importIndex, 1, owner);
        Checks.atLeast("offerRows", offerRows, 1, owner);
    }

    /** {@return a builder with every component unset} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this listing's components, for a copy with a few changed} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns a copy of this listing with the given provenance and no {@link #offerRows()}.
     *
     * @param importId the import id to set, or null
     * @param importIndex the 1-based import index to set, or null
     * @return the copy
     */
    public Listing withProvenance(String importId, Integer importIndex) {
        return toBuilder().importId(importId).importIndex(importIndex).offerRows(null).build();
    }

    /** Builds a {@link Listing}; {@link #build()} runs the record's checks. Not thread-safe. */
    public static final class Builder {
        private String canonicalModel;
        private BigDecimal price;
        private Double score;
        private Integer vramGb;
        private Integer tdpWatts;
        private Integer migSupport;
        private Boolean nvlink;
        private String generation;
        private Integer cudaCores;
        private Double slotWidth;
        private Integer pcieGeneration;
        private String formFactor;
        private String title;
        private String condition;
        private Integer quantity;
        private String availability;
        private Integer minOrderQty;
        private String seller;
        private String region;
        private String sourceUrl;
        private String sourceType;
        private Instant seenAt;
        private String matchType;
        private Double matchScore;
        private String notes;
        private String warnings;
        private Map<String, Object> heuristics;
        private String importId;
        private Integer importIndex;
        private Integer offerRows;

        private Builder() {
        }

        private Builder(Listing l) {
            canonicalModel = l.canonicalModel;
            price = l.price;
            score = l.score;
            vramGb = l.vramGb;
            tdpWatts = l.tdpWatts;
            migSupport = l.migSupport;
            nvlink = l.nvlink;
            generation = l.generation;
            cudaCores = l.cudaCores;
            slotWidth = l.slotWidth;
            pcieGeneration = l.pcieGeneration;
            formFactor = l.formFactor;
            title = l.title;
            condition = l.condition;
            quantity = l.quantity;
            availability = l.availability;
            minOrderQty = l.minOrderQty;
            seller = l.seller;
            region = l.region;
            sourceUrl = l.sourceUrl;
            sourceType = l.sourceType;
            seenAt = l.seenAt;
            matchType = l.matchType;
            matchScore = l.matchScore;
            notes = l.notes;
            warnings = l.warnings;
            heuristics = l.heuristics;
            importId = l.importId;
            importIndex = l.importIndex;
            offerRows = l.offerRows;
        }

        /**
         * Sets the canonical model (required).
         *
         * @param value the canonical model; required
         * @return this builder
         */
        public Builder canonicalModel(String value) {
            canonicalModel = value;
            return this;
        }

        /**
         * Sets the price in USD (required).
         *
         * @param value the price in USD; required
         * @return this builder
         */
        public Builder price(BigDecimal value) {
            price = value;
            return this;
        }

        /**
         * Sets the price in USD from its decimal text, e.g. {@code "595.99"} (required).
         *
         * @param value the price in USD from its decimal text, e.g. {@code "595.99"}; required
         * @return this builder
         */
        public Builder price(String value) {
            price = value == null ? null : new BigDecimal(value);
            return this;
        }

        /**
         * Sets the utility score (required).
         *
         * @param value the utility score; required
         * @return this builder
         */
        public Builder score(double value) {
            score = value;
            return this;
        }

        /**
         * Sets the memory in GB.
         *
         * @param value the memory in GB
         * @return this builder
         */
        public Builder vramGb(Integer value) {
            vramGb = value;
            return this;
        }

        /**
         * Sets the thermal design power in watts.
         *
         * @param value the thermal design power in watts
         * @return this builder
         */
        public Builder tdpWatts(Integer value) {
            tdpWatts = value;
            return this;
        }

        /**
         * Sets the number of MIG instances, 0 to 7.
         *
         * @param value the number of MIG instances, 0 to 7
         * @return this builder
         */
        public Builder migSupport(Integer value) {
            migSupport = value;
            return this;
        }

        /**
         * Sets whether the card has NVLink.
         *
         * @param value whether the card has NVLink
         * @return this builder
         */
        public Builder nvlink(Boolean value) {
            nvlink = value;
            return this;
        }

        /**
         * Sets the architecture generation.
         *
         * @param value the architecture generation
         * @return this builder
         */
        public Builder generation(String value) {
            generation = value;
            return this;
        }

        /**
         * Sets the CUDA core count.
         *
         * @param value the CUDA core count
         * @return this builder
         */
        public Builder cudaCores(Integer value) {
            cudaCores = value;
            return this;
        }

        /**
         * Sets the slot width.
         *
         * @param value the slot width
         * @return this builder
         */
        public Builder slotWidth(Double value) {
            slotWidth = value;
            return this;
        }

        /**
         * Sets the PCIe generation.
         *
         * @param value the PCIe generation
         * @return this builder
         */
        public Builder pcieGeneration(Integer value) {
            pcieGeneration = value;
            return this;
        }

        /**
         * Sets the form factor.
         *
         * @param value the form factor
         * @return this builder
         */
        public Builder formFactor(String value) {
            formFactor = value;
            return this;
        }

        /**
         * Sets the offer title.
         *
         * @param value the offer title
         * @return this builder
         */
        public Builder title(String value) {
            title = value;
            return this;
        }

        /**
         * Sets the offer condition.
         *
         * @param value the offer condition
         * @return this builder
         */
        public Builder condition(String value) {
            condition = value;
            return this;
        }

        /**
         * Sets the units offered.
         *
         * @param value the units offered
         * @return this builder
         */
        public Builder quantity(Integer value) {
            quantity = value;
            return this;
        }

        /**
         * Sets the availability text.
         *
         * @param value the availability text
         * @return this builder
         */
        public Builder availability(String value) {
            availability = value;
            return this;
        }

        /**
         * Sets the minimum order quantity.
         *
         * @param value the minimum order quantity
         * @return this builder
         */
        public Builder minOrderQty(Integer value) {
            minOrderQty = value;
            return this;
        }

        /**
         * Sets the seller.
         *
         * @param value the seller
         * @return this builder
         */
        public Builder seller(String value) {
            seller = value;
            return this;
        }

        /**
         * Sets the region.
         *
         * @param value the region
         * @return this builder
         */
        public Builder region(String value) {
            region = value;
            return this;
        }

        /**
         * Sets the source URL.
         *
         * @param value the source URL
         * @return this builder
         */
        public Builder sourceUrl(String value) {
            sourceUrl = value;
            return this;
        }

        /**
         * Sets the source type.
         *
         * @param value the source type
         * @return this builder
         */
        public Builder sourceType(String value) {
            sourceType = value;
            return this;
        }

        /**
         * Sets when the offer was seen.
         *
         * @param value when the offer was seen
         * @return this builder
         */
        public Builder seenAt(Instant value) {
            seenAt = value;
            return this;
        }

        /**
         * Sets the match type.
         *
         * @param value the match type
         * @return this builder
         */
        public Builder matchType(String value) {
            matchType = value;
            return this;
        }

        /**
         * Sets the match score.
         *
         * @param value the match score
         * @return this builder
         */
        public Builder matchScore(Double value) {
            matchScore = value;
            return this;
        }

        /**
         * Sets the notes.
         *
         * @param value the notes
         * @return this builder
         */
        public Builder notes(String value) {
            notes = value;
            return this;
        }

        /**
         * Sets the warnings.
         *
         * @param value the warnings
         * @return this builder
         */
        public Builder warnings(String value) {
            warnings = value;
            return this;
        }

        /**
         * Sets the heuristics JSON object; null means empty.
         *
         * @param value the heuristics JSON object; null means empty
         * @return this builder
         */
        public Builder heuristics(Map<String, Object> value) {
            heuristics = value;
            return this;
        }

        /**
         * Sets the import id (normally set by the store).
         *
         * @param value the import id
         * @return this builder
         */
        public Builder importId(String value) {
            importId = value;
            return this;
        }

        /**
         * Sets the 1-based import index (normally set by the store).
         *
         * @param value the 1-based import index
         * @return this builder
         */
        public Builder importIndex(Integer value) {
            importIndex = value;
            return this;
        }

        /**
         * Sets how many rows of its import the listing stands for (normally set by the store).
         *
         * @param value how many rows of its import the listing stands for
         * @return this builder
         */
        public Builder offerRows(Integer value) {
            offerRows = value;
            return this;
        }

        /**
         * Builds the listing.
         *
         * @return the listing
         * @throws IllegalArgumentException if a component is out of range
         * @throws NullPointerException if a required component is missing
         */
        public Listing build() {
            if (score == null) {
                throw new NullPointerException("score is required" + (canonicalModel == null ? "" : " for "
                        + canonicalModel));
            }
            return new Listing(canonicalModel, price, score, vramGb, tdpWatts, migSupport, nvlink, generation,
                    cudaCores, slotWidth, pcieGeneration, formFactor, title, condition, quantity, availability,
                    minOrderQty, seller, region, sourceUrl, sourceType, seenAt, matchType, matchScore, notes,
                    warnings, heuristics, importId, importIndex, offerRows);
        }
    }
}
