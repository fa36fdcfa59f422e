package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.nio.file.Path;

/**
 * Imports one CSV into one store through the public API, in its own JVM (so the heap limit and peak RSS are this
 * import's), and prints {@code rows nanos vmhwm_kb}. Timed: {@code importListings} plus {@code close}; not timed:
 * JVM start and opening the store.
 */
public final class ImportChild {
    private ImportChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path csv = Path.of(args[1]);
        String importId = args[2];
        SqliteListingStore store = new SqliteListingStore(db);
        long start = System.nanoTime();
        ImportResult result;
        try (CsvListings listings = new CsvListings(csv)) {
            result = store.importListings(listings, new ImportRequest(importId, csv.getFileName().toString(), null));
        }
        store.close();
        long nanos = System.nanoTime() - start;
        System.out.println("RESULT " + result.recordCount() + " " + nanos + " " + Proc.peakRssKb());
    }
}
