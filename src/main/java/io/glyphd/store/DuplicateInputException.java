package io.glyphd.store;

import java.util.List;

/**
 * Signals that an import asked to {@linkplain ImportRequest#refusingDuplicateInput() refuse duplicate input} was
 * refused because other imports already hold its fingerprint; nothing was written.
 *
 * <p>{@link #holders()} are those imports, as the import's own write transaction saw them, so a caller can offer to
 * replace one of them (import again under its id) instead.
 */
public class DuplicateInputException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** The imports that hold the fingerprint. */
    private final transient List<ImportMetadata> holders;
    /** The fingerprint they hold. */
    private final String fingerprint;

    /**
     * Creates an exception for one refused import.
     *
     * @param message what was refused, naming the import, the fingerprint and the store
     * @param fingerprint the fingerprint of the refused import
     * @param holders the imports of other ids that hold it, newest first; not empty
     */
    public DuplicateInputException(String message, String fingerprint, List<ImportMetadata> holders) {
        super(message);
        this.fingerprint = fingerprint;
        this.holders = List.copyOf(holders);
    }

    /** {@return the fingerprint of the refused import} */
    public String fingerprint() {
        return fingerprint;
    }

    /** {@return the imports of other ids that hold the fingerprint, newest first} */
    public List<ImportMetadata> holders() {
        return holders;
    }
}
