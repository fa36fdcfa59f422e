package io.glyphd.store;

/**
 * Signals that a store file cannot be used by this build: its schema is newer than this build supports,
 * it is not a glyphd-store database, its schema could not be created or migrated, or it is older and was opened
 * read-only, which cannot migrate it ({@link #found()} below {@link #supported()}). The file is left as it was.
 */
public class SchemaVersionException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** The schema version found in the file, or -1 if it could not be read. */
    private final int found;
    /** The newest schema version this build supports. */
    private final int supported;

    /**
     * Creates an exception.
     *
     * @param message what is wrong with which file
     * @param found the schema version found in the file, or -1 if it could not be read
     * @param supported the newest schema version this build supports
     * @param cause the underlying exception, may be null
     */
    public SchemaVersionException(String message, int found, int supported, Throwable cause) {
        super(message, cause);
        this.found = found;
        this.supported = supported;
    }

    /** {@return the schema version found in the file, or -1 if it could not be read} */
    public int found() {
        return found;
    }

    /** {@return the newest schema version this build supports} */
    public int supported() {
        return supported;
    }
}
