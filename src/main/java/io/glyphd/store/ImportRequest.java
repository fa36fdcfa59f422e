package io.glyphd.store;

import java.time.Instant;

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
 * @param importedAt the time to record as {@link ImportMetadata#importedAt()}, truncated to the microsecond, e.g. to
 *        keep an import's original time when it is copied from another store; null (the usual case) records the time
 *        the import is written
 * @param fingerprint what identifies the import's input by its content, recorded as
 *        {@link ImportMetadata#fingerprint()} and found again by {@link ListingStore#findImportsByFingerprint}: 1 to
 *        {@value #MAX_FINGERPRINT_LENGTH} printable ASCII characters without spaces, compared exactly; the CLI records
 *        {@code sha256:} and the SHA-256 of the file's bytes in lower-case hex. Null (the default) records none
 * @param refuseDuplicateInput whether the import is refused, with a {@link DuplicateInputException} and nothing
 *        written, when imports of other ids already hold its fingerprint (unless one of them has this request's id:
 *        replacing it adds no copy). The check runs inside the import's write transaction, under a lock on the
 *        fingerprint, so two imports of the same input started at once, from any process or machine, cannot both
 *        pass it: the second waits for the first to commit or roll back. Needs a fingerprint; false (the default)
 *        imports whatever the store holds
 */
public record ImportRequest(String importId, String source, String description, Instant importedAt,
        String fingerprint, boolean refuseDuplicateInput) {
    /** Longest import id accepted, in characters. */
    public static final int MAX_IMPORT_ID_LENGTH = 200;
    /** Longest fingerprint accepted, in characters. */
    public static final int MAX_FINGERPRINT_LENGTH = 200;

    /**
     * Checks the import id, the text fields and the fingerprint, and truncates {@code importedAt} to the microsecond.
     *
     * @param importId the import's id; see the rule above
     * @param source where the listings came from, e.g. a file name; may be null
     * @param description free text; may be null
     * @param importedAt the time to record as {@link ImportMetadata#importedAt()}, truncated to the microsecond;
     *        null (the usual case) records the time the import is written
     * @param fingerprint what identifies the import's input by its content; null records none
     * @param refuseDuplicateInput whether to refuse the import when imports of other ids hold its fingerprint
     * @throws IllegalArgumentException if the import id breaks the rule above, a text is too long, the fingerprint
     *         is not 1 to {@value #MAX_FINGERPRINT_LENGTH} printable ASCII characters without spaces,
     *         {@code importedAt} is before 0001-01-01T00:00:00Z or after 9999-12-31T23:59:59.999999Z, or
     *         {@code refuseDuplicateInput} is true without a fingerprint
     * @throws NullPointerException if the import id is null
     */
    public ImportRequest {
        importId = Checks.importId(importId);
        source = Checks.text("source", source, Listing.MAX_TEXT_LENGTH, "import " + importId);
        description = Checks.text("description", description, Listing.MAX_TEXT_LENGTH, "import " + importId);
        importedAt = Checks.instant("importedAt", importedAt, "import " + importId);
        fingerprint = Checks.fingerprint(fingerprint, MAX_FINGERPRINT_LENGTH, "import " + importId);
        if (refuseDuplicateInput && fingerprint == null) {
            throw new IllegalArgumentException("refuseDuplicateInput needs a fingerprint for import " + importId
                    + ": give one with withFingerprint");
        }
    }

    /**
     * Creates a request that imports whatever the store holds.
     *
     * @param importId the import's id; see the rule above
     * @param source where the listings came from, e.g. a file name; may be null
     * @param description free text; may be null
     * @param importedAt the time to record, or null for the time the import is written
     * @param fingerprint what identifies the import's input by its content; null records none
     * @throws IllegalArgumentException if the import id breaks the rule above, a text is too long, the fingerprint
     *         is malformed, or {@code importedAt} is out of range
     * @throws NullPointerException if the import id is null
     */
    public ImportRequest(String importId, String source, String description, Instant importedAt,
            String fingerprint) {
        this(importId, source, description, importedAt, fingerprint, false);
    }

    /**
     * Creates a request without a fingerprint.
     *
     * @param importId the import's id; see the rule above
     * @param source where the listings came from, e.g. a file name; may be null
     * @param description free text; may be null
     * @param importedAt the time to record, or null for the time the import is written
     * @throws IllegalArgumentException if the import id breaks the rule above, a text is too long, or
     *         {@code importedAt} is out of range
     * @throws NullPointerException if the import id is null
     */
    public ImportRequest(String importId, String source, String description, Instant importedAt) {
        this(importId, source, description, importedAt, null);
    }

    /**
     * Creates a request that records the time the import is written, without a fingerprint.
     *
     * @param importId the import's id; see the rule above
     * @param source where the listings came from, e.g. a file name; may be null
     * @param description free text; may be null
     * @throws IllegalArgumentException if the import id breaks the rule above, or a text is too long
     * @throws NullPointerException if the import id is null
     */
    public ImportRequest(String importId, String source, String description) {
        this(importId, source, description, null);
    }

    /**
     * Returns a request with only an import id.
     *
     * @param importId the import's id; see the rule above
     * @return the request
     */
    public static ImportRequest of(String importId) {
        return new ImportRequest(importId, null, null);
    }

    /**
     * Returns this request with {@code importedAt} recorded instead of the time the import is written.
     *
     * @param value the time to record, or null for the time the import is written
     * @return the new request
     * @throws IllegalArgumentException if {@code value} is out of the range the constructor accepts
     */
    public ImportRequest withImportedAt(Instant value) {
        return new ImportRequest(importId, source, description, value, fingerprint, refuseDuplicateInput);
    }

    /**
     * Returns this request with {@code value} as its fingerprint.
     *
     * @param value the fingerprint, or null for none
     * @return a request like this one with that fingerprint
     * @throws IllegalArgumentException if {@code value} is not 1 to {@value #MAX_FINGERPRINT_LENGTH} printable ASCII
     *         characters without spaces, or is null on a request that refuses duplicate input
     */
    public ImportRequest withFingerprint(String value) {
        return new ImportRequest(importId, source, description, importedAt, value, refuseDuplicateInput);
    }

    /**
     * Returns this request refusing duplicate input: the import fails with a {@link DuplicateInputException}, and
     * writes nothing, if imports of other ids already hold its fingerprint. See {@link #refuseDuplicateInput()}.
     *
     * @return a request like this one that refuses duplicate input
     * @throws IllegalArgumentException if this request has no fingerprint
     */
    public ImportRequest refusingDuplicateInput() {
        return new ImportRequest(importId, source, description, importedAt, fingerprint, true);
    }

    @Override
    public String toString() {
        return "import " + importId;
    }
}
