package io.glyphd.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of a committed import.
 *
 * @param importId the import's id
 * @param recordCount how many listings were stored
 * @param rowsReplaced how many listings of an earlier import with the same id were replaced (0 if it was new)
 * @param duration how long the import took, from the first row read to the commit
 */
public record ImportResult(String importId, long recordCount, long rowsReplaced, Duration duration) {
    /**
     * Checks the components.
     *
     * @param importId the import's id
     * @param recordCount how many listings were stored
     * @param rowsReplaced how many listings of an earlier import with the same id were replaced (0 if it was new)
     * @param duration how long the import took, from the first row read to the commit
     * @throws NullPointerException if {@code importId} or {@code duration} is null
     */
    public ImportResult {
        Objects.requireNonNull(importId, "importId");
        Objects.requireNonNull(duration, "duration");
    }
}
