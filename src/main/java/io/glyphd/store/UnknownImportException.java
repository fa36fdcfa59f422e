package io.glyphd.store;

/**
 * Signals that an operation named an import the store does not hold; nothing was read or written.
 *
 * <p>{@link #importId()} is the id that was not found. Unlike {@link ListingStore#findImport(String)}, which
 * answers "is there such an import?", operations that need the import to exist throw this, so a caller can tell
 * "no such import" (e.g. a mistyped id, or an import deleted meanwhile) from a storage failure.
 */
public class UnknownImportException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** The id that was not found. */
    private final String importId;

    /**
     * Creates an exception for one missing import.
     *
     * @param message what failed, naming the import and the store
     * @param importId the id that was not found
     */
    public UnknownImportException(String message, String importId) {
        super(message);
        this.importId = importId;
    }

    /** {@return the import id that was not found} */
    public String importId() {
        return importId;
    }
}
