package io.glyphd.store.cli;

/** How a command prints its result. */
enum OutputFormat {
    /** Aligned columns for a terminal. */
    TABLE,
    /** JSON, for programs. */
    JSON,
    /** The store's CSV, for programs and spreadsheets; imports back unchanged. */
    CSV
}
