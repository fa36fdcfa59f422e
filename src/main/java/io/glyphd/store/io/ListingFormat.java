package io.glyphd.store.io;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats {@link ListingReader} reads and {@link ListingWriter} writes. */
public enum ListingFormat {
    /**
     * Comma-separated values with a header line: the pipeline's files, or the store's own (one snake_case column
     * per {@link io.glyphd.store.Listing} component, {@code heuristics} as JSON text).
     */
    CSV,
    /** A JSON array of listing objects, or one listing object per line (JSON Lines). */
    JSON;

    /**
     * Returns the format a file name implies: {@code .csv} is CSV; {@code .json}, {@code .jsonl} and
     * {@code .ndjson} are JSON (ignoring case).
     *
     * @param file the file
     * @return the format
     * @throws IllegalArgumentException if the name has none of these extensions
     */
    public static ListingFormat of(Path file) {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return CSV;
        }
        if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return JSON;
        }
        throw new IllegalArgumentException("Cannot tell the format of " + file
                + " from its name: expected .csv, .json, .jsonl or .ndjson");
    }
}
