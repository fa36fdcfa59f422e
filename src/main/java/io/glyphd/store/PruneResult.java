package io.glyphd.store;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ListingStore#prune(RetentionPolicy, boolean)} removed, or would remove on a dry run.
 *
 * @param dryRun true if nothing was removed: {@code imports} is what a real run would remove now
 * @param imports the imports removed (or that would be), oldest first, each with its listing count
 * @param listings the number of listings they held
 */
public record PruneResult(boolean dryRun, List<ImportMetadata> imports, long listings) {

    /**
     * Copies the list.
     *
     * @param dryRun true if nothing was removed
     * @param imports the imports removed (or that would be), oldest first
     * @param listings the number of listings they held
     * @throws NullPointerException if {@code imports} is null
     */
    public PruneResult {
        imports = List.copyOf(Objects.requireNonNull(imports, "imports"));
    }

    @Override
    public String toString() {
        return (dryRun ? "would remove " : "removed ") + imports.size() + " imports (" + listings + " listings)";
    }
}
