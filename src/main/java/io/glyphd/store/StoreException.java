package io.glyphd.store;

/**
 * Signals that the store could not do what was asked: the root of glyphd-store's unchecked exceptions.
 *
 * <p>The message says what failed, on which file, import or row, and why. The underlying driver
 * exception, if any, is the {@linkplain #getCause() cause}; {@code SQLException} never crosses the API.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message and no cause.
     *
     * @param message what failed, and why
     */
    public StoreException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message what failed, and why
     * @param cause the underlying exception, may be null
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
