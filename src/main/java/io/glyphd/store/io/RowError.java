package io.glyphd.store.io;

import java.util.Objects;

/**
 * One problem in an input file, as a reader reports it in a {@link ListingFormatException}.
 *
 * @param line 1-based line of the file where the record starts (1 is a CSV header)
 * @param record 1-based number of the record among the file's listings (the {@code importIndex} it would have got),
 *        or 0 for a problem outside any record, such as the header
 * @param column the column (CSV) or field (JSON) at fault, as the file names it; null if the whole record is wrong
 * @param reason what is wrong, e.g. {@code not a number: 'abc'}
 */
public record RowError(long line, long record, String column, String reason) {
    /**
     * Checks the components.
     *
     * @param line 1-based line of the file where the record starts (1 is a CSV header)
     * @param record 1-based number of the record among the file's listings (the {@code importIndex} it would have got),
     *        or 0 for a problem outside any record, such as the header
     * @param column the column (CSV) or field (JSON) at fault, as the file names it; null if the whole record is wrong
     * @param reason what is wrong, e.g. {@code not a number: 'abc'}
     * @throws NullPointerException if {@code reason} is null
     */
    public RowError {
        Objects.requireNonNull(reason, "reason");
    }

    /** Returns e.g. {@code line 12 (record 11), column price: not a number: 'abc'}. */
    @Override
    public String toString() {
        return "line " + line + (record > 0 ? " (record " + record + ")" : "")
                + (column == null ? "" : ", column " + column) + ": " + reason;
    }
}
