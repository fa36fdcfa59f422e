package io.glyphd.store.io;

import java.util.Objects;

/**
 * One problem in an input file, as a reader reports it in a {@link ListingFormatException}.
 *
 * @param line 1-based line of the file where the record starts (1 is a CSV header); for a problem in the text itself
 *        (invalid UTF-8, malformed CSV or JSON, a cell too long), the line where it was found
 * @param record 1-based number of the record among the file's listings (the {@code importIndex} it would have got),
 *        or 0 for a problem outside any record, such as the header
 * @param column the column (CSV) or field (JSON) at fault, as the file names it; null if the whole record is wrong
 *        or the problem is in the text itself
 * @param reason what is wrong, e.g. {@code not a number: 'abc'}
 * @param character 1-based character column on {@code line} where a problem in the text itself was found (counted in
 *        UTF-16 characters of the decoded text, a byte order mark not counted), or 0 if the problem is a whole cell or
 *        record
 */
public record RowError(long line, long record, String column, String reason, long character) {
    /**
     * Checks the components.
     *
     * @param line 1-based line of the file where the record starts (1 is a CSV header)
     * @param record 1-based number of the record among the file's listings (the {@code importIndex} it would have got),
     *        or 0 for a problem outside any record, such as the header
     * @param column the column (CSV) or field (JSON) at fault, as the file names it; null if the whole record is wrong
     * @param reason what is wrong, e.g. {@code not a number: 'abc'}
     * @param character 1-based character column on {@code line} of a problem in the text itself, or 0
     * @throws NullPointerException if {@code reason} is null
     * @throws IllegalArgumentException if {@code character} is negative
     */
    public RowError {
        Objects.requireNonNull(reason, "reason");
        if (character < 0) {
            throw new IllegalArgumentException("character must be >= 0, was " + character);
        }
    }

    /**
     * Creates a problem with a cell or a whole record, without a character column.
     *
     * @param line 1-based line where the record starts
     * @param record 1-based number of the record, or 0
     * @param column the column or field at fault, or null
     * @param reason what is wrong
     */
    public RowError(long line, long record, String column, String reason) {
        this(line, record, column, reason, 0);
    }

    /**
     * Returns e.g. {@code line 12 (record 11), column price: not a number: 'abc'}, or
     * {@code line 3, character 7: not valid UTF-8 text}.
     */
    @Override
    public String toString() {
        return "line " + line + (character > 0 ? ", character " + character : "")
                + (record > 0 ? " (record " + record + ")" : "")
                + (column == null ? "" : ", column " + column) + ": " + reason;
    }
}
