package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreHealth;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operations figures of issue 11, apart from {@link Bench}: {@code java -cp ... io.glyphd.store.bench.OpsBench
 * DIR [ROWS] [JVMS]} prints, as Markdown:
 * <ul>
 *   <li>{@link SqliteListingStore#temporary()}: open (and close) time of the first store in a fresh JVM and the
 *       median of the next 50 in that JVM, in {@code JVMS} fresh JVMs (default 5), with their medians;</li>
 *   <li>the {@code -wal} file during and right after one import of {@code ROWS} generated listings (default
 *       1,000,000) into a new store in {@code DIR}: its peak (sampled every 5 ms) and its size when the import has
 *       returned;</li>
 *   <li>{@link ListingStore#health()} on that store: the first call after opening it and the median and p99 of
 *       1,000 calls after 100 warm-up calls;</li>
 *   <li>the {@code -wal} file with a long-running reader (a plain JDBC connection holding a read transaction, as a
 *       {@code sqlite3} shell, another process's long query or a backup would) open during three imports of
 *       {@code ROWS / 5} listings, then after the reader has gone and after the next (one-listing) import.</li>
 * </ul>
 * {@code DIR} is emptied first. The child JVMs run {@code OpsBench temporary-child N}.
 */
public final class OpsBench {
    private static final int LATER_OPENS = 50;
    private static final int HEALTH_WARMUP = 100;
    private static final int HEALTH_CALLS = 1_000;

    private OpsBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("temporary-child")) {
            temporaryChild(Integer.parseInt(args[1]));
            return;
        }
        Path dir = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int jvms = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        deleteContents(dir);
        Files.createDirectories(dir);
        System.out.printf(Locale.ROOT, "Run at %s, load average %.1f on %d cores%n%n", java.time.Instant.now(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        temporary(jvms);
        Path db = dir.resolve("ops.sqlite3");
        walAfterImport(db, rows);
        health(db, rows);
        walWithReader(db, rows / 5);
    }

    private static void temporary(int jvms) throws Exception {
        List<double[]> runs = new ArrayList<>();
        for (int i = 0; i < jvms; i++) {
            List<String> command = List.of(Bench.javaBinary(), "-cp", System.getProperty("java.class.path"),
                    OpsBench.class.getName(), "temporary-child", String.valueOf(LATER_OPENS));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("temporary-child failed:\n" + out);
            }
            String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no RESULT line in:\n" + out));
            runs.add(Arrays.stream(result.substring(7).split(" ")).mapToDouble(Double::parseDouble).toArray());
        }
        System.out.printf(Locale.ROOT, "### SqliteListingStore.temporary() (%d fresh JVMs; open = temporary()"
                + " returns, close = close() returns with the directory deleted)%n%n", jvms);
        System.out.println("| | first in the JVM, ms | later ones: median of " + LATER_OPENS + ", ms | later ones:"
                + " max, ms | later ones: the thread's CPU, median, ms |");
        System.out.println("|---|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| open | %.1f | %.2f | %.2f | %.2f |%n", median(column(runs, 0)),
                median(column(runs, 2)), median(column(runs, 3)), median(column(runs, 5)));
        System.out.printf(Locale.ROOT, "| close | %.1f | %.2f | | %.2f |%n", median(column(runs, 1)),
                median(column(runs, 4)), median(column(runs, 6)));
        System.out.println();
        System.out.println("Each JVM (first open, later open median): " + String.join(", ",
                runs.stream().map(r -> String.format(Locale.ROOT, "%.0f / %.2f ms", r[0], r[2])).toList()));
        System.out.println();
    }

    /**
     * Prints {@code RESULT first_open first_close later_open_median later_open_max later_close_median
     * later_open_cpu_median later_close_cpu_median}, in ms.
     */
    private static void temporaryChild(int later) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t = System.nanoTime();
        SqliteListingStore first = SqliteListingStore.temporary();
        double firstOpen = millis(t);
        t = System.nanoTime();
        first.close();
        double firstClose = millis(t);
        double[] opens = new double[later];
        double[] closes = new double[later];
        double[] openCpu = new double[later];
        double[] closeCpu = new double[later];
        for (int i = 0; i < later; i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            t = System.nanoTime();
            SqliteListingStore store = SqliteListingStore.temporary();
            opens[i] = millis(t);
            openCpu[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
            if (!Files.exists(store.path())) {
                throw new IllegalStateException("no file at " + store.path());
            }
            cpu = threads.getCurrentThreadCpuTime();
            t = System.nanoTime();
            store.close();
            closes[i] = millis(t);
            closeCpu[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
        }
        System.out.printf(Locale.ROOT, "RESULT %.3f %.3f %.3f %.3f %.3f %.3f %.3f%n", firstOpen, firstClose,
                median(opens), Arrays.stream(opens).max().orElse(0), median(closes), median(openCpu),
                median(closeCpu));
    }

    private static void walAfterImport(Path db, int rows) throws Exception {
        Path wal = wal(db);
        long took;
        long peak;
        try (SqliteListingStore store = new SqliteListingStore(db);
                WalWatch watch = new WalWatch(wal)) {
            long t = System.nanoTime();
            store.importListings(ListingGenerator.listings(1, rows, 1), new ImportRequest("base", "wamatek", null));
            took = System.nanoTime() - t;
            peak = Math.max(watch.peak(), size(wal)); // the sampler may miss the end on a busy machine
            System.out.printf(Locale.ROOT, "### The -wal file and one import of %,d listings into a new store%n%n",
                    rows);
            System.out.println("| | bytes |");
            System.out.println("|---|---:|");
            System.out.printf(Locale.ROOT, "| -wal peak during the import (sampled every 5 ms) | %,d |%n", peak);
            System.out.printf(Locale.ROOT, "| -wal right after the import returned | %,d |%n", size(wal));
            System.out.printf(Locale.ROOT, "| store file | %,d |%n", size(db));
        }
        System.out.printf(Locale.ROOT, "| -wal after close | %,d |%n%n", size(wal));
        System.out.printf(Locale.ROOT, "The import took %.1f s (checkpoint included).%n%n", took / 1e9);
    }

    private static void health(Path db, int rows) {
        double first;
        double[] calls = new double[HEALTH_CALLS];
        StoreHealth last;
        try (SqliteListingStore store = new SqliteListingStore(db)) {
            long t = System.nanoTime();
            last = store.health();
            first = millis(t);
            for (int i = 0; i < HEALTH_WARMUP; i++) {
                store.health();
            }
            for (int i = 0; i < HEALTH_CALLS; i++) {
                t = System.nanoTime();
                last = store.health();
                calls[i] = millis(t);
                if (!last.ok()) {
                    throw new IllegalStateException(last.toString());
                }
            }
        }
        Arrays.sort(calls);
        System.out.printf(Locale.ROOT, "### health() on the %,d-row store%n%n", rows);
        System.out.println("| | ms |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| first call after opening the store | %.3f |%n", first);
        System.out.printf(Locale.ROOT, "| median of %,d calls (after %d warm-up calls) | %.3f |%n", HEALTH_CALLS,
                HEALTH_WARMUP, median(calls));
        System.out.printf(Locale.ROOT, "| p99 | %.3f |%n", calls[(int) (calls.length * 0.99) - 1]);
        System.out.printf(Locale.ROOT, "| max | %.3f |%n%n", calls[calls.length - 1]);
        System.out.println("Last result: " + last);
        System.out.println();
    }

    private static void walWithReader(Path db, int rows) throws Exception {
        Path wal = wal(db);
        System.out.printf(Locale.ROOT, "### The -wal file with a long-running reader open during three imports of"
                + " %,d listings%n%n", rows);
        System.out.println("| moment | -wal bytes |");
        System.out.println("|---|---:|");
        try (SqliteListingStore store = new SqliteListingStore(db)) {
            System.out.printf(Locale.ROOT, "| before the reader opens | %,d |%n", size(wal));
            try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                reader.setAutoCommit(false);
                readSomething(reader); // the read transaction now holds its snapshot until it ends
                for (int i = 1; i <= 3; i++) {
                    store.importListings(ListingGenerator.listings(10 + i, rows, 1),
                            new ImportRequest("held-" + i, "shop-" + i, null));
                    System.out.printf(Locale.ROOT, "| after import %d, reader still open | %,d |%n", i, size(wal));
                }
                readSomething(reader);
                reader.rollback();
            }
            System.out.printf(Locale.ROOT, "| reader closed, before the next write | %,d |%n", size(wal));
            store.importListings(ListingGenerator.listings(99, 1, 1), ImportRequest.of("next"));
            System.out.printf(Locale.ROOT, "| after the next import (1 listing) | %,d |%n", size(wal));
            store.importListings(ListingGenerator.listings(98, rows, 1), ImportRequest.of("after"));
            System.out.printf(Locale.ROOT, "| after one more import of %,d listings, no reader | %,d |%n", rows,
                    size(wal));
        }
        System.out.println();
    }

    private static void readSomething(Connection reader) throws SQLException {
        try (Statement s = reader.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM imports")) {
            rs.next();
        }
    }

    /** Samples a file's size every 5 ms on a daemon thread and keeps the largest. */
    private static final class WalWatch implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        WalWatch(Path file) {
            thread = new Thread(() -> {
                while (!stop.get()) {
                    peak.accumulateAndGet(size(file), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "wal-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    private static Path wal(Path db) {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // no such file: SQLite deleted it (on close) or has not made it yet
        }
    }

    private static double millis(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static double[] column(List<double[]> runs, int i) {
        return runs.stream().mapToDouble(r -> r[i]).toArray();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void deleteContents(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
    }
}
