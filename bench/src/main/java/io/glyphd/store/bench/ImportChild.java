package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.sqlite.SqliteListingStore;
import io.glyphd.store.Listing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Imports one CSV into one store through the public API, in its own JVM (so the heap limit and peak RSS are this
 * import's), and prints {@code rows nanos vmhwm_kb}. Timed: {@code importListings} plus {@code close}; not timed:
 * JVM start and opening the store. With a warm-up count, it first imports that many rows of the CSV into a scratch
 * store (not timed), as a long-running service would have done before: the JIT has compiled the import path.
 */
public final class ImportChild {
    private ImportChild() {
    }

    private static Iterator<Listing> limit(Iterator<Listing> listings, int max) {
        return new Iterator<>() {
            private int taken;

            @Override
            public boolean hasNext() {
                return taken < max && listings.hasNext();
            }

            @Override
            public Listing next() {
                taken++;
                return listings.next();
            }
        };
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        // A CSV path, or generate:SEED:ROWS:FIRST_ID for listings built in memory (no CSV to parse).
        String source = args[1];
        String importId = args[2];
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        if (warmup > 0) {
            Path scratch = db.resolveSibling(db.getFileName() + ".warmup.sqlite3");
            try (SqliteListingStore store = new SqliteListingStore(scratch);
                    CsvListings listings = source.startsWith("generate:") ? null : new CsvListings(Path.of(source))) {
                Iterator<Listing> first = listings != null ? limit(listings, warmup)
                        : ListingGenerator.listings(1L, warmup, 1L);
                store.importListings(first, ImportRequest.of("warmup"));
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(scratch + suffix));
            }
        }
        SqliteListingStore store = new SqliteListingStore(db);
        long cpuStart = Proc.cpuNanos();
        long start = System.nanoTime();
        ImportResult result;
        if (source.startsWith("generate:")) {
            String[] spec = source.split(":");
            result = store.importListings(ListingGenerator.listings(Long.parseLong(spec[1]), Integer.parseInt(spec[2]),
                    Long.parseLong(spec[3])), new ImportRequest(importId, "generated", null));
        } else {
            try (CsvListings listings = new CsvListings(Path.of(source))) {
                result = store.importListings(listings, new ImportRequest(importId, source, null));
            }
        }
        store.close();
        long nanos = System.nanoTime() - start;
        long cpu = Proc.cpuNanos() - cpuStart;
        System.out.println("RESULT " + result.recordCount() + " " + nanos + " " + Proc.peakRssKb() + " " + cpu);
    }
}
