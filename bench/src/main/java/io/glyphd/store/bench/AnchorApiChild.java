package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The import anchor's API case, in its own JVM: builds the generator's listings as records in memory first (not
 * timed), imports the first {@code warmup} of them into a scratch store twice and waits for the JIT to go quiet (not
 * timed, so that the JIT has compiled the import path, as in a long-running service), then imports all of them with {@code importListings} and closes the
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
                // Twice: the second import gets the import path's hottest methods to the optimising compiler.
                for (int i = 0; i < 2; i++) {
                    store.importListings(listings.subList(0, Math.min(warmup, rows)).iterator(),
                            ImportRequest.of("warmup"));
                }
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(scratch + suffix));
            }
        }
        System.gc();
        awaitQuietJit();
        SqliteListingStore store = new SqliteListingStore(db);
        Map<String, Long> threadsBefore = threadTicks();
        long cpuStart = Proc.cpuNanos();
        long start = System.nanoTime();
        ImportResult result = store.importListings(listings.iterator(), new ImportRequest(importId, "generated", null));
        long imported = System.nanoTime();
        long windowCpu = Proc.cpuNanos() - cpuStart;
        Map<String, Long> threadsAfter = threadTicks();
        StringBuilder threads = new StringBuilder("THREADS (CPU ms in the window)");
        threadsAfter.forEach((name, ticks) -> {
            long ms = (ticks - threadsBefore.getOrDefault(name, 0L)) * 10;
            if (ms > 0) {
                threads.append("; ").append(name).append(' ').append(ms);
            }
        });
        System.err.println(threads);
        store.close();
        long closed = System.nanoTime();
        long cpu = Proc.cpuNanos() - cpuStart;
        System.out.println("RESULT " + result.recordCount() + " " + (imported - start) + " " + (closed - imported) + " "
                + Proc.peakRssKb() + " " + cpu + " " + windowCpu);
    }

    /**
     * Waits until the JIT has had nothing to compile for a second (at most 60 s): building the listings queues many
     * compilations of the generator's own code, and the compiler threads would otherwise work them off inside the
     * import's window, on the cores the import runs on. A long-running service would have compiled them long ago.
     */
    private static void awaitQuietJit() throws InterruptedException {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long start = System.nanoTime();
        long last = jit.getTotalCompilationTime();
        int quiet = 0;
        while (quiet < 5 && System.nanoTime() - start < 60_000_000_000L) {
            Thread.sleep(200);
            long now = jit.getTotalCompilationTime();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
        System.err.printf("JIT quiet after %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * CPU time (user + system, in clock ticks of 10 ms) of each of this process's threads by name (threads of one
     * name summed, digits dropped: "GC Thread#0" and "GC Thread#1" are "GC Thread#"), from /proc/self/task.
     */
    private static Map<String, Long> threadTicks() throws IOException {
        Map<String, Long> ticks = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]", "");
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
            }
        }
        return ticks;
    }
}
