package io.glyphd.store.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns the readers recognise: one per {@link io.glyphd.store.Listing} component, with the names the pipeline
 * uses for it, plus the pipeline's columns that have no component and go to {@code heuristics}.
 */
enum Column {
    CANONICAL_MODEL("canonicalModel", Kind.TEXT, "canonical_model"),
    PRICE("price", Kind.DECIMAL, "price", "price_usd"),
    SCORE("score", Kind.DOUBLE, "score"),
    VRAM_GB("vramGb", Kind.INTEGER, "vram_gb", "vram"),
    TDP_WATTS("tdpWatts", Kind.INTEGER, "tdp_watts", "tdp_w", "tdp"),
    MIG_SUPPORT("migSupport", Kind.INTEGER, "mig_support", "mig_capable"),
    NVLINK("nvlink", Kind.BOOLEAN, "nvlink"),
    GENERATION("generation", Kind.TEXT, "generation", "architecture"),
    CUDA_CORES("cudaCores", Kind.INTEGER, "cuda_cores"),
    SLOT_WIDTH("slotWidth", Kind.DOUBLE, "slot_width", "slots"),
    PCIE_GENERATION("pcieGeneration", Kind.INTEGER, "pcie_generation", "pcie_gen"),
    FORM_FACTOR("formFactor", Kind.TEXT, "form_factor"),
    TITLE("title", Kind.TEXT, "title"),
    CONDITION("condition", Kind.TEXT, "condition"),
    QUANTITY("quantity", Kind.QUANTITY, "quantity", "qty"),
    AVAILABILITY("availability", Kind.TEXT, "availability"),
    MIN_ORDER_QTY("minOrderQty", Kind.INTEGER, "min_order_qty", "min_order_quantity", "moq"),
    SELLER("seller", Kind.TEXT, "seller"),
    REGION("region", Kind.TEXT, "region", "geographic_region"),
    SOURCE_URL("sourceUrl", Kind.TEXT, "source_url", "url"),
    SOURCE_TYPE("sourceType", Kind.TEXT, "source_type"),
    SEEN_AT("seenAt", Kind.INSTANT, "seen_at"),
    MATCH_TYPE("matchType", Kind.TEXT, "match_type"),
    MATCH_SCORE("matchScore", Kind.DOUBLE, "match_score"),
    NOTES("notes", Kind.TEXT, "notes"),
    WARNINGS("warnings", Kind.TEXT, "warnings"),
    HEURISTICS("heuristics", Kind.JSON_OBJECT, "heuristics"),
    IMPORT_ID("importId", Kind.PROVENANCE, "import_id"),
    IMPORT_INDEX("importIndex", Kind.PROVENANCE, "import_index"),
    OFFER_ROWS("offerRows", Kind.PROVENANCE, "offer_rows"),

    // The pipeline's columns without a Listing component: kept in heuristics under their own name.
    MODEL(null, Kind.HEURISTIC_TEXT, "model"),
    LISTING_AGE(null, Kind.HEURISTIC_TEXT, "listing_age"),
    BULK_NOTES(null, Kind.HEURISTIC_TEXT, "bulk_notes"),
    UNKNOWN_REASON(null, Kind.HEURISTIC_TEXT, "unknown_reason"),
    MATCH_NOTES(null, Kind.HEURISTIC_TEXT, "match_notes"),
    IS_VALID_GPU(null, Kind.HEURISTIC_BOOLEAN, "is_valid_gpu"),
    QUANTIZATION_CAPACITY(null, Kind.HEURISTIC_NUMBER, "quantization_capacity");

    /** How a column's text becomes a value. */
    enum Kind {
        TEXT, DECIMAL, DOUBLE, INTEGER, BOOLEAN, INSTANT,
        /** A count goes to {@code quantity}; text such as {@code Available} goes to {@code availability}. */
        QUANTITY,
        /** A JSON object merged into {@code heuristics}. */
        JSON_OBJECT,
        /** Set by the store; recognised so it is not taken for an unknown column, and ignored. */
        PROVENANCE,
        HEURISTIC_TEXT, HEURISTIC_BOOLEAN, HEURISTIC_NUMBER
    }

    /** Columns a file must have. */
    static final List<Column> REQUIRED = List.of(CANONICAL_MODEL, PRICE, SCORE);
    /** The store's own format: one column per Listing component, in component order. */
    static final List<Column> STORE_COLUMNS;

    private static final Map<String, Column> BY_NAME = new HashMap<>();

    static {
        List<Column> store = new ArrayList<>();
        for (Column column : values()) {
            if (column.component != null) {
                store.add(column);
            }
            for (String name : column.names) {
                BY_NAME.put(name, column);
            }
            if (column.component != null) {
                BY_NAME.put(normalize(column.component), column);
            }
        }
        STORE_COLUMNS = Collections.unmodifiableList(store);
    }

    private final String component;
    private final Kind kind;
    private final List<String> names;

    Column(String component, Kind kind, String... names) {
        this.component = component;
        this.kind = kind;
        this.names = List.of(names);
    }

    /** Returns the Listing component this column fills, or null for a heuristics-only column. */
    String component() {
        return component;
    }

    Kind kind() {
        return kind;
    }

    /** Returns the snake_case name the store writes, e.g. {@code tdp_watts}. */
    String storeName() {
        return names.get(0);
    }

    /** Returns every accepted name, the store's first. */
    List<String> names() {
        return names;
    }

    boolean isHeuristic() {
        return kind == Kind.HEURISTIC_TEXT || kind == Kind.HEURISTIC_BOOLEAN || kind == Kind.HEURISTIC_NUMBER;
    }

    /** Returns the column a header name stands for, or null if it is not a known column. */
    static Column forName(String header) {
        return BY_NAME.get(normalize(header));
    }

    /** Returns the column filling a Listing component, or null. */
    static Column forComponent(String component) {
        for (Column column : values()) {
            if (column.component != null && column.component.equals(component)) {
                return column;
            }
        }
        return null;
    }

    /**
     * Returns a header name in snake_case: trimmed, camelCase split ({@code tdpWatts} becomes {@code tdp_watts}),
     * spaces and hyphens as underscores, lower case.
     */
    static String normalize(String header) {
        String name = header.strip();
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(name.charAt(i - 1))) {
                out.append('_');
            }
            out.append(c == ' ' || c == '-' ? '_' : c);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
