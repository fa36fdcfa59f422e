package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The import anchor's API case, in its own JVM: builds the generator's listings as records in memory first (not
 * timed), imports the first {@code warmup} of them into a scratch store (not timed, so that the JIT has compiled
 * the import path, as in a long-running service), then imports all of them with {@code importListings} and closes the
 * store. Prints {@code RESULT rows import_nanos close_nanos peak_rss_kb cpu_nanos window_cpu_nanos}; the phases come from the
 * library's DEBUG log (see {@link AnchorBench}).
 */
public final class AnchorApiChild {
    private AnchorApiChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int rows = Integer.parseInt(args[2]);
        long firstId = Long.parseLong(args[3]);
        String importId = args[4];
        int warmup = Integer.parseInt(args[5]);
        List<Listing> listings = new ArrayList<>(rows);
        for (Iterator<Listing> it = ListingGenerator.listings(seed, rows, firstId); it.hasNext(); ) {
            listings.add(it.next());
        }
        if (warmup > 0) {
            Path scratch = db.resolveSibling(db.getFileName() + ".warmup.sqlite3");
            try (SqliteListingStore store = new SqliteListingStore(scratch)) {
                store.importListings(listings.subList(0, Math.min(warmup, rows)).iterator(),
                        ImportRequest.of("warmup"));
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(scratch + suffix));
            }
        }
        System.gc();
        SqliteListingStore store = new SqliteListingStore(db);
        long cpuStart = Proc.cpuNanos();
        long start = System.nanoTime();
        ImportResult result = store.importListings(listings.iterator(), new ImportRequest(importId, "generated", null));
        long imported = System.nanoTime();
        long windowCpu = Proc.cpuNanos() - cpuStart;
        store.close();
        long closed = System.nanoTime();
        long cpu = Proc.cpuNanos() - cpuStart;
        System.out.println("RESULT " + result.recordCount() + " " + (imported - start) + " " + (closed - imported) + " "
                + Proc.peakRssKb() + " " + cpu + " " + windowCpu);
    }
}
