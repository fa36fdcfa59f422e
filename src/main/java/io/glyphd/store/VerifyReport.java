package io.glyphd.store;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ListingStore#verify()} found: problems with the storage's structure (damaged pages, index entries
 * that do not match their rows) and listings that refer to a missing import. A store that passes has neither.
 *
 * @param store what was checked, e.g. the database file's path
 * @param integrityProblems what the storage's own integrity check reported, one finding per element, the first
 *        {@value #MAX_PROBLEMS} at most; empty if none
 * @param foreignKeyProblems rows that refer to a row that does not exist, one per element, the first
 *        {@value #MAX_PROBLEMS} at most, then one element saying how many more there were; empty if none
 */
public record VerifyReport(String store, List<String> integrityProblems, List<String> foreignKeyProblems) {
    /** Most findings kept per kind; a store with more is damaged beyond the detail anyone needs. */
    public static final int MAX_PROBLEMS = 100;

    /**
     * Copies the lists.
     *
     * @param store what was checked, e.g. the database file's path
     * @param integrityProblems what the storage's own integrity check reported, one finding per element, the first
     *        {@value #MAX_PROBLEMS} at most; empty if none
     * @param foreignKeyProblems rows that refer to a row that does not exist, one per element, the first
     *        {@value #MAX_PROBLEMS} at most, then one element saying how many more there were; empty if none
     * @throws NullPointerException if a component is null
     */
    public VerifyReport {
        Objects.requireNonNull(store, "store");
        integrityProblems = List.copyOf(integrityProblems);
        foreignKeyProblems = List.copyOf(foreignKeyProblems);
    }

    /** {@return true if the check found nothing wrong} */
    public boolean ok() {
        return integrityProblems.isEmpty() && foreignKeyProblems.isEmpty();
    }

    @Override
    public String toString() {
        if (ok()) {
            return store + ": ok";
        }
        return store + ": " + integrityProblems.size() + " integrity problem(s), " + foreignKeyProblems.size()
                + " foreign-key problem(s)" + (integrityProblems.isEmpty() ? "" : "; first: "
                + integrityProblems.get(0)) + (foreignKeyProblems.isEmpty() ? "" : "; first: "
                + foreignKeyProblems.get(0));
    }
}
