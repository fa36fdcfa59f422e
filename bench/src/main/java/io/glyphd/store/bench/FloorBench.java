package io.glyphd.store.bench;

import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingQuery.Order;
import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The documented query shape (one model, {@code SCORE_DESC}, top 100) through the API against its C floor
 * ({@code bench/c/floor.c}: the same rows read by SQLite 3.54.1 built at {@code -O2}, statement prepared per call, every
 * column read by type and texts copied out), on the same file, round by round in alternating order (issue 12).
 * Section {@code floor} of {@code bench/run.sh}; alone, {@code java -cp BENCH_CLASSPATH
 * io.glyphd.store.bench.FloorBench FLOOR_BINARY DB MODEL ROUNDS CALLS} prints a table:
 * per round each side's p50 wall and CPU time of one call (the calling thread's CPU; the first tenth of each side's
 * calls is a warm-up) and API / C, then the medians.
 */
public final class FloorBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** What the C floor reads: the listing's columns as stored, in the order of the API's index plan. */
    static final String FLOOR_SQL = "SELECT i.import_id, l.import_index, l.canonical_model, l.price_micros, l.score,"
            + " l.vram_gb, l.tdp_watts, l.mig_support, l.nvlink, l.generation, l.cuda_cores, l.slot_width,"
            + " l.pcie_generation, l.form_factor, l.title, l.condition, l.quantity, l.availability, l.min_order_qty,"
            + " l.seller, l.region, l.source_url, l.source_type, l.seen_at, l.match_type, l.match_score, l.notes,"
            + " l.warnings, l.heuristics, l.id, l.import_key FROM listings l JOIN imports i ON i.id = l.import_key"
            + " WHERE l.canonical_model = ? ORDER BY l.score DESC, l.id DESC LIMIT 100";

    private FloorBench() {
    }

    public static void main(String[] args) throws Exception {
        run(Path.of(args[0]), Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                System.out::println);
    }

    /** Runs the comparison and gives {@code out} the table's lines. */
    static void run(Path floor, Path db, String model, int rounds, int calls, Consumer<String> out)
            throws IOException, InterruptedException {
        ListingQuery query = ListingQuery.builder().model(model).orderBy(Order.SCORE_DESC).limit(100).build();
        out.accept("C: `" + floor.getFileName() + " DB SQL " + model + " " + calls + "` with SQL = `" + FLOOR_SQL
                + "`; API: `queryListings` of model " + model + ", SCORE_DESC, limit 100, in this JVM.");
        out.accept("");
        out.accept("| round | order | API p50 ms | API CPU p50 ms | C p50 ms | C CPU p50 ms | API / C (CPU) |"
                + " API / C (wall) |");
        out.accept("|---:|---|---:|---:|---:|---:|---:|---:|");
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> wallRatios = new ArrayList<>();
        try (ListingStore store = SqliteListingStore.openReadOnly(db)) {
            api(store, query, Math.max(calls, 2_000)); // JIT warm-up, not reported
            for (int round = 1; round <= rounds; round++) {
                boolean apiFirst = round % 2 == 1;
                double[] api = apiFirst ? api(store, query, calls) : null;
                double[] c = floor(floor, db, model, calls);
                api = apiFirst ? api : api(store, query, calls);
                cpuRatios.add(api[1] / c[1]);
                wallRatios.add(api[0] / c[0]);
                out.accept(String.format(Locale.ROOT, "| %d | %s | %.3f | %.3f | %.3f | %.3f | %.2f× | %.2f× |",
                        round, apiFirst ? "API, C" : "C, API", api[0], api[1], c[0], c[1], api[1] / c[1],
                        api[0] / c[0]));
            }
        }
        out.accept(String.format(Locale.ROOT, "| median | | | | | | %.2f× | %.2f× |", median(cpuRatios),
                median(wallRatios)));
    }

    /** Runs the query {@code calls} times; returns p50 wall and CPU in ms over all but the first tenth. */
    private static double[] api(ListingStore store, ListingQuery query, int calls) {
        long[] wall = new long[calls];
        long[] cpu = new long[calls];
        long sink = 0;
        for (int i = 0; i < calls; i++) {
            long w = System.nanoTime();
            long c = THREADS.getCurrentThreadCpuTime();
            List<Listing> listings = store.queryListings(query);
            cpu[i] = THREADS.getCurrentThreadCpuTime() - c;
            wall[i] = System.nanoTime() - w;
            if (listings.size() != 100) {
                throw new IllegalStateException("the query returned " + listings.size() + " listings, not 100");
            }
            sink += listings.get(99).importIndex();
        }
        if (sink == 42) {
            System.out.print("");
        }
        int warmup = calls / 10;
        return new double[] {p50(Arrays.copyOfRange(wall, warmup, calls)), p50(Arrays.copyOfRange(cpu, warmup, calls))};
    }

    /** Runs the C floor; returns its p50 wall and CPU in ms. */
    private static double[] floor(Path binary, Path db, String model, int calls)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString(), db.toString(), FLOOR_SQL, model, String.valueOf(calls))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("glyphd-floor failed: " + out);
        }
        String[] words = out.split(" ");
        if (!words[3].equals("100")) {
            throw new IllegalStateException("the C floor read " + words[3] + " rows, not 100: " + out);
        }
        return new double[] {Double.parseDouble(words[5]) / 1e3, Double.parseDouble(words[7]) / 1e3};
    }

    private static double p50(long[] nanos) {
        Arrays.sort(nanos);
        return nanos[nanos.length / 2] / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
