package io.glyphd.store;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ListingStore#health()} found: whether the store answered a cheap read and holds the schema version
 * this build works with.
 *
 * @param ok true if the store answered and its schema version is {@code supportedSchemaVersion}
 * @param schemaVersion the schema version the storage holds, or -1 if it could not be read
 * @param supportedSchemaVersion the schema version this build works with
 * @param latency how long the check took, including waiting for a connection
 * @param message what was found, e.g. {@code schema version 3, answered in 1 ms}, or why the check failed; never a
 *        password
 */
public record StoreHealth(boolean ok, int schemaVersion, int supportedSchemaVersion, Duration latency,
        String message) {

    /**
     * Checks the components.
     *
     * @param ok true if the store answered and its schema version is {@code supportedSchemaVersion}
     * @param schemaVersion the schema version the storage holds, or -1 if it could not be read
     * @param supportedSchemaVersion the schema version this build works with
     * @param latency how long the check took
     * @param message what was found, or why the check failed
     * @throws NullPointerException if {@code latency} or {@code message} is null
     */
    public StoreHealth {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return (ok ? "ok: " : "not ok: ") + message;
    }
}
