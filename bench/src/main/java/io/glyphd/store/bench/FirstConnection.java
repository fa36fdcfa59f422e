package io.glyphd.store.bench;

import io.glyphd.store.ListingQuery;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Measures, in a fresh JVM, how long the first store open takes (driver class loading, native library extraction
 * and loading, first connection) and then a second open of the same file; prints {@code first_ms second_ms uptime_ms}.
 */
public final class FirstConnection {
    private FirstConnection() {
    }

    public static void main(String[] args) {
        Path db = Path.of(args[0]);
        long start = System.nanoTime();
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(db)) {
            store.countListings(ListingQuery.builder().model("none").build());
        }
        long first = System.nanoTime() - start;
        start = System.nanoTime();
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(db)) {
            store.countListings(ListingQuery.builder().model("none").build());
        }
        long second = System.nanoTime() - start;
        System.out.println("RESULT " + first / 1e6 + " " + second / 1e6 + " "
                + ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
