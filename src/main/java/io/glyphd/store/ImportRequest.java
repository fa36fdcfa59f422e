package io.glyphd.store;

/**
 * Names an import and describes where it came from.
 *
 * <p>Import id rule: surrounding whitespace is stripped; the rest must be 1 to {@value #MAX_IMPORT_ID_LENGTH}
 * characters, with no control characters and no lone UTF-16 surrogates. Any other character is allowed and stored
 * literally, e.g. {@code 2025-07-29-batch1}, a UUID, or {@code wamatek/2025 07 29}.
 *
 * @param importId the import's id; see the rule above
 * @param source where the listings came from, e.g. a file name; may be null
 * @param description free text; may be null
 */
public record ImportRequest(String importId, String source, String description) {
    /** Longest import id accepted, in characters. */
    public static final int MAX_IMPORT_ID_LENGTH = 200;

    /**
     * Checks the import id and the text fields.
     *
     * @throws IllegalArgumentException if the import id breaks the rule above, or a text is too long
     * @throws NullPointerException if the import id is null
     */
    public ImportRequest {
        importId = Checks.importId(importId);
        source = Checks.text("source", source, Listing.MAX_TEXT_LENGTH, "import " + importId);
        description = Checks.text("description", description, Listing.MAX_TEXT_LENGTH, "import " + importId);
    }

    /** Returns a request with only an import id. */
    public static ImportRequest of(String importId) {
        return new ImportRequest(importId, null, null);
    }

    @Override
    public String toString() {
        return "import " + importId;
    }
}
