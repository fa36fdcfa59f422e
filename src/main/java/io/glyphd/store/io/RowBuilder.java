package io.glyphd.store.io;

import io.glyphd.store.Listing;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns the cells of one record into a {@link Listing}, reporting each bad cell as a {@link RowError}. Used once
 * per record; not thread-safe.
 */
final class RowBuilder {
    private static final Column[] COLUMNS = Column.values();

    private final Consumer<RowError> errors;
    private final long line;
    private final long record;
    private final Listing.Builder builder = Listing.builder();
    /** The file's name for each column seen in this record, by ordinal. */
    private final String[] names = new String[COLUMNS.length];
    private final boolean[] present = new boolean[COLUMNS.length];
    private Map<String, Object> heuristics;
    private String quantityText;
    private boolean nanScore;
    private boolean failed;

    RowBuilder(Consumer<RowError> errors, long line, long record) {
        this.errors = errors;
        this.line = line;
        this.record = record;
    }

    /**
     * Sets a known column from its text; null means the cell is absent. Blank text and {@code nan} are absent
     * too, except that blank text stays as it is in a text column.
     */
    void cell(Column column, String name, String text) {
        String other = names[column.ordinal()];
        if (other != null) {
            error(name, "'" + other + "' and '" + name + "' both give " + column.storeName());
            return;
        }
        names[column.ordinal()] = name;
        if (text == null || Values.isNan(text) || column.kind() != Column.Kind.TEXT && text.isBlank()) {
            nanScore |= column == Column.SCORE && text != null && Values.isNan(text);
            return;
        }
        try {
            set(column, name, text);
        } catch (IllegalArgumentException e) {
            present[column.ordinal()] = true; // reported here, not again as missing
            error(name, e.getMessage());
        }
    }

    private void set(Column column, String name, String text) {
        switch (column.kind()) {
            case TEXT -> text(column, text);
            case DECIMAL -> builder.price(Values.decimal(text));
            case DOUBLE -> number(column, Values.finiteDouble(text));
            case INTEGER -> integer(column, Values.integer(text));
            case BOOLEAN -> builder.nvlink(Values.bool(text));
            case INSTANT -> builder.seenAt(Values.instant(text));
            case QUANTITY -> quantity(text);
            case JSON_OBJECT -> {
                if (!text.isBlank()) {
                    heuristics(jsonObject(text));
                }
            }
            case HEURISTIC_TEXT -> heuristic(column, text);
            case HEURISTIC_BOOLEAN -> heuristic(column, parsedOrText(() -> Values.bool(text), text));
            case HEURISTIC_NUMBER -> heuristic(column, heuristicNumber(text));
            case PROVENANCE -> {
                // The store numbers the listings of an import itself.
            }
            default -> throw new IllegalStateException("unhandled column kind " + column.kind());
        }
        present[column.ordinal()] = true;
    }

    private void text(Column column, String text) {
        switch (column) {
            case CANONICAL_MODEL -> builder.canonicalModel(text);
            case GENERATION -> builder.generation(text);
            case FORM_FACTOR -> builder.formFactor(text);
            case TITLE -> builder.title(text);
            case CONDITION -> builder.condition(text);
            case AVAILABILITY -> builder.availability(text);
            case SELLER -> builder.seller(text);
            case REGION -> builder.region(text);
            case SOURCE_URL -> builder.sourceUrl(text);
            case SOURCE_TYPE -> builder.sourceType(text);
            case MATCH_TYPE -> builder.matchType(text);
            case NOTES -> builder.notes(text);
            case WARNINGS -> builder.warnings(text);
            default -> throw new IllegalStateException(column + " is not a text column");
        }
    }

    private void number(Column column, double value) {
        switch (column) {
            case SCORE -> builder.score(value);
            case SLOT_WIDTH -> builder.slotWidth(value);
            case MATCH_SCORE -> builder.matchScore(value);
            default -> throw new IllegalStateException(column + " is not a decimal column");
        }
    }

    private void integer(Column column, int value) {
        switch (column) {
            case VRAM_GB -> builder.vramGb(value);
            case TDP_WATTS -> builder.tdpWatts(value);
            case MIG_SUPPORT -> builder.migSupport(value);
            case CUDA_CORES -> builder.cudaCores(value);
            case PCIE_GENERATION -> builder.pcieGeneration(value);
            case MIN_ORDER_QTY -> builder.minOrderQty(value);
            default -> throw new IllegalStateException(column + " is not an integer column");
        }
    }

    /** A count goes to quantity; other text (e.g. {@code Available}) is availability, kept in {@link #build()}. */
    private void quantity(String text) {
        if (!Values.isNumber(text)) {
            Values.checkNotTooLong(text);
            quantityText = text;
            return;
        }
        builder.quantity(Values.integer(text));
    }

    /**
     * Reads a number kept in heuristics as the JSON codec will hold it: a whole number as written, any other as a
     * double, refused if a double cannot keep it ({@code 1e400}, {@code -0.0}) and never turned into text if too long;
     * text that is not a number stays text.
     */
    private static Object heuristicNumber(String text) {
        if (!Values.isNumber(text)) {
            Values.checkNotTooLong(text);
            return text;
        }
        BigDecimal value = Values.decimal(text);
        String number = text.strip();
        if (number.indexOf('.') < 0 && number.indexOf('e') < 0 && number.indexOf('E') < 0) {
            return value.toBigIntegerExact();
        }
        double floating = Double.parseDouble(number);
        String inexact = JsonValues.inexact(number, floating);
        if (inexact != null) {
            throw new IllegalArgumentException(Values.quote(number) + inexact.replaceFirst("^, ", " is "));
        }
        return floating;
    }

    private static Object parsedOrText(Supplier<Object> parse, String text) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static Map<String, Object> jsonObject(String text) {
        return JsonValues.parseObject(text);
    }

    /** Keeps a value of a column without a Listing component in heuristics, under the name the file gives it. */
    void extra(String name, Object value) {
        if (value == null || value instanceof String text && (text.isEmpty() || Values.isNan(text))) {
            return;
        }
        if (value instanceof String text && text.length() > Listing.MAX_TEXT_LENGTH) {
            error(name, tooLong(text));
            return;
        }
        heuristicsMap().put(name, value);
    }

    private void heuristic(Column column, Object value) {
        if (value instanceof String text && text.length() > Listing.MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(tooLong(text));
        }
        heuristicsMap().put(column.storeName(), value);
    }

    /** The message for a text value longer than a listing's text may be, in a column kept in heuristics. */
    private static String tooLong(String text) {
        return "must be at most " + Listing.MAX_TEXT_LENGTH + " characters, was " + text.length();
    }

    /** Merges a heuristics object into this record's heuristics; columns set separately win over its keys. */
    void heuristics(Map<String, ?> object) {
        Map<String, Object> merged = new LinkedHashMap<>(object);
        if (heuristics != null) {
            merged.putAll(heuristics);
        }
        heuristics = merged;
    }

    private Map<String, Object> heuristicsMap() {
        if (heuristics == null) {
            heuristics = new LinkedHashMap<>();
        }
        return heuristics;
    }

    /** Reports a problem with the whole record or one of its cells. */
    void error(String column, String reason) {
        failed = true;
        errors.accept(new RowError(line, record, column, reason));
    }

    /** Returns the listing, or null if the record had a problem (already reported). */
    Listing build() {
        for (Column required : Column.REQUIRED) {
            if (!present[required.ordinal()]) {
                String name = names[required.ordinal()];
                if (name == null) {
                    error(required.storeName(), "missing");
                } else if (required == Column.SCORE && nanScore) {
                    error(name, "NaN; every listing needs a finite score");
                } else {
                    error(name, "empty; every listing needs a " + required.storeName());
                }
            }
        }
        if (failed) {
            return null;
        }
        if (quantityText != null) {
            if (present[Column.AVAILABILITY.ordinal()]) {
                heuristicsMap().put(Column.QUANTITY.storeName(), quantityText);
            } else {
                builder.availability(quantityText);
                names[Column.AVAILABILITY.ordinal()] = names[Column.QUANTITY.ordinal()];
            }
        }
        builder.heuristics(heuristics);
        try {
            return builder.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            error(columnNamed(e.getMessage()), e.getMessage());
            return null;
        }
    }

    /** Returns the file's name for the component a Listing validation message starts with, or null. */
    private String columnNamed(String message) {
        if (message == null) {
            return null;
        }
        int end = message.indexOf(' ');
        Column column = Column.forComponent(end < 0 ? message : message.substring(0, end));
        if (column == null) {
            return null;
        }
        String name = names[column.ordinal()];
        return name == null ? column.storeName() : name;
    }
}
