package io.glyphd.store.internal;

import io.glyphd.store.ImportResult;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * What a store reports about its work, for a metrics registry: every operation's duration or failure, each import's
 * rows, waits for a lock, retries, and its connections. {@link #NONE} ignores everything; {@link MicrometerMetrics}
 * records into a Micrometer registry. Implementations are thread-safe and never throw.
 */
public interface StoreMetrics {
    /** Ignores everything; what a store without a registry uses. */
    StoreMetrics NONE = new StoreMetrics() {
    };

    /** An operation of {@code kind} ended normally after {@code nanos}. */
    default void completed(Operation kind, long nanos) {
    }

    /** An import committed. */
    default void imported(ImportResult result) {
    }

    /** An operation of {@code kind} failed after {@code nanos} with a failure of {@code failure}. */
    default void failed(Operation kind, FailureKind failure, long nanos) {
    }

    /** A write waited {@code nanos} for the lock that lets it begin (another writer held it). */
    default void lockWaited(long nanos) {
    }

    /** A unit of work is being run again after a failure of {@code reason} (BUSY, a serialization failure...). */
    default void retried(FailureKind reason) {
    }

    /**
     * Reports the store's connections: {@code inUse} lent to operations now, {@code waiting} operations waiting for
     * one. Called once, when the store has opened.
     */
    default void connections(IntSupplier inUse, IntSupplier waiting) {
    }

    /** The store closed: stop reporting its connections. */
    default void close() {
    }

    /** The store's operations, as they are tagged in metrics. */
    enum Operation {
        IMPORT, QUERY, PAGE, COUNT, LIST_IMPORTS, FIND_IMPORT, DELETE_IMPORT, HISTORY, DIFF, MODEL_STATS, VERIFY;

        /** Returns the tag value, e.g. {@code model_stats}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why an operation failed, as it is tagged in metrics; backends map their error codes onto these. */
    enum FailureKind {
        /** A bad argument or listing: the caller's input. */
        INVALID_INPUT,
        /** The import id names no import. */
        UNKNOWN_IMPORT,
        /** The schema is newer than the build, or not the store's. */
        SCHEMA,
        /** The store was closed. */
        CLOSED,
        /** Another writer held a lock for too long (SQLite BUSY, PostgreSQL lock timeout). */
        LOCK_TIMEOUT,
        /** PostgreSQL rolled the transaction back in favour of a concurrent one. */
        SERIALIZATION,
        /** PostgreSQL rolled the transaction back to break a deadlock. */
        DEADLOCK,
        /** The connection was lost, or the server is shutting down or starting. */
        CONNECTION,
        /** No connection came free within the connection wait: every one the pool may open was in use. */
        CONNECTION_TIMEOUT,
        /** The disk is full. */
        DISK_FULL,
        /** The storage is damaged. */
        DAMAGED,
        /** The operating system reported an I/O error. */
        IO,
        /** The store, the file or the server is read-only. */
        READ_ONLY,
        /** The database user lacks a privilege, or the login was refused. */
        PERMISSION,
        /** A statement ran past its time limit. */
        TIMEOUT,
        /** The thread was interrupted. */
        INTERRUPTED,
        /** Anything else. */
        OTHER;

        /** Returns the tag value, e.g. {@code disk_full}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
