package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.sqlite.SqliteListingStore;
import io.glyphd.store.Listing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Imports one CSV into one store through the public API, in its own JVM (so the heap limit and peak RSS are this
 * import's), and prints {@code rows nanos vmhwm_kb}. Timed: {@code importListings} plus {@code close}; not timed:
 * JVM start and opening the store. With a warm-up count, it first imports that many rows of the CSV into a scratch
 * store (not timed), as a long-running service would have done before: the JIT has compiled the import path.
 */
public final class ImportChild {
    private ImportChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path csv = Path.of(args[1]);
        String importId = args[2];
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        if (warmup > 0) {
            Path scratch = db.resolveSibling(db.getFileName() + ".warmup.sqlite3");
            try (SqliteListingStore store = new SqliteListingStore(scratch);
                    CsvListings listings = new CsvListings(csv)) {
                Iterator<Listing> first = Stream.generate(listings::next).limit(warmup).iterator();
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
        try (CsvListings listings = new CsvListings(csv)) {
            result = store.importListings(listings, new ImportRequest(importId, csv.getFileName().toString(), null));
        }
        store.close();
        long nanos = System.nanoTime() - start;
        long cpu = Proc.cpuNanos() - cpuStart;
        System.out.println("RESULT " + result.recordCount() + " " + nanos + " " + Proc.peakRssKb() + " " + cpu);
    }
}
