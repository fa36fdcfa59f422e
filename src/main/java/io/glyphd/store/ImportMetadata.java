package io.glyphd.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store knows about one import.
 *
 * @param importId the import's id
 * @param importedAt when the import (or its latest replacement) was committed, to the microsecond, or the time its
 *        {@link ImportRequest#importedAt()} gave
 * @param source where the listings came from; may be null
 * @param recordCount how many listings the import holds
 * @param description free text; may be null
 * @param fingerprint what identifies the import's input by its content ({@link ImportRequest#fingerprint()}), or
 *        null if the importer gave none
 */
public record ImportMetadata(String importId, Instant importedAt, String source, long recordCount,
        String description, String fingerprint) {

    /**
     * Checks the components.
     *
     * @param importId the import's id
     * @param importedAt when the import (or its latest replacement) was committed, to the microsecond, or the time its
     *        {@link ImportRequest#importedAt()} gave
     * @param source where the listings came from; may be null
     * @param recordCount how many listings the import holds
     * @param description free text; may be null
     * @param fingerprint what identifies the import's input by its content; null if none was recorded
     * @throws NullPointerException if {@code importId} or {@code importedAt} is null
     */
    public ImportMetadata {
        Objects.requireNonNull(importId, "importId");
        Objects.requireNonNull(importedAt, () -> "importedAt is null for import " + importId);
    }

    /**
     * Creates metadata without a fingerprint.
     *
     * @param importId the import's id
     * @param importedAt when the import (or its latest replacement) was committed
     * @param source where the listings came from; may be null
     * @param recordCount how many listings the import holds
     * @param description free text; may be null
     * @throws NullPointerException if {@code importId} or {@code importedAt} is null
     */
    public ImportMetadata(String importId, Instant importedAt, String source, long recordCount, String description) {
        this(importId, importedAt, source, recordCount, description, null);
    }

    @Override
    public String toString() {
        return "import " + importId + " (" + recordCount + " listings, " + importedAt + ")";
    }
}
