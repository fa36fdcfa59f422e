package io.glyphd.store.internal;

import io.glyphd.store.StoreException;

/**
 * A {@link StoreException} thrown by a backend's own check rather than by the driver (a lock or connection wait
 * ran out, the thread was interrupted, the store closed meanwhile), which says its kind of failure for metrics: no
 * driver error in its causes tells it.
 */
public final class StoreFailure extends StoreException {
    private static final long serialVersionUID = 1L;

    private final StoreMetrics.FailureKind kind;

    /**
     * Creates the exception.
     *
     * @param kind what kind of failure it is, for metrics
     * @param message what failed, and why
     * @param cause the underlying exception, may be null
     */
    public StoreFailure(StoreMetrics.FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Returns the kind of failure, for metrics. */
    public StoreMetrics.FailureKind kind() {
        return kind;
    }
}
