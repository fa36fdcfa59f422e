package io.glyphd.store;

/**
 * Signals that a listing in an import failed validation; nothing of that import was written.
 *
 * <p>{@link #rowIndex()} is the 1-based position of the bad listing in the batch (or the line of the input
 * file, when a reader reports it) and {@link #field()} the field at fault, when known.
 */
public class InvalidListingException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** The 1-based row (or line) of the bad listing, or 0 if unknown. */
    private final long rowIndex;
    /** The field at fault, or null if unknown. */
    private final String field;

    /**
     * Creates an exception for one bad row.
     *
     * @param message what failed, naming the row, the field and why
     * @param rowIndex 1-based row (or line) of the bad listing, or 0 if unknown
     * @param field the field at fault, or null if unknown
     * @param cause the validation error, may be null
     */
    public InvalidListingException(String message, long rowIndex, String field, Throwable cause) {
        super(message, cause);
        this.rowIndex = rowIndex;
        this.field = field;
    }

    /** {@return the 1-based row (or input line) of the bad listing, or 0 if unknown} */
    public long rowIndex() {
        return rowIndex;
    }

    /** {@return the name of the field at fault, or null if unknown} */
    public String field() {
        return field;
    }
}
