package io.glyphd.store.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingQuery.Order;
import io.glyphd.store.ListingStore;
import io.glyphd.store.postgres.PostgresListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The market queries of issue 10 at a million rows, apart from {@link Bench} (which {@code bench/run.sh} runs):
 * {@code java -cp ... io.glyphd.store.bench.MarketBench build DIR [ROWS]} writes two SQLite stores of {@code ROWS}
 * generated listings (default 1,000,000): {@code one.sqlite3}, one import (everything is the current market, as
 * in {@link Bench}); {@code history.sqlite3}, 20 imports of 2 sources (10 scrapes each, so the current market is 2
 * imports, a tenth of the rows). {@code ... MarketBench measure DIR [ITERATIONS]} then times each query shape on
 * both (wall-clock p50 and p99, and the querying thread's CPU p50, which a shared machine's load does not inflate;
 * shapes round-robin after a warm-up) and a streaming export of every row into a sink that touches each listing;
 * run it with {@code -Xmx128m} to show that the export holds one page at a time.
 */
public final class MarketBench {
    private static final int IMPORTS = 20;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private MarketBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args[0].startsWith("pg-") ? null : Path.of(args[1]);
        switch (args[0]) {
            case "build" -> build(dir, args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000);
            case "measure" -> measure(dir, args.length > 2 ? Integer.parseInt(args[2]) : 1_000);
            case "export" -> exportOnly(dir, Order.valueOf(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : ListingQuery.MAX_LIMIT);
            default -> pg(args);
        }
    }

    /**
     * {@code pg-build JDBC_URL [ROWS]}: one import of {@code ROWS} generated listings (default 1,000,000) into an
     * empty PostgreSQL database, then VACUUM (ANALYZE); {@code pg-export JDBC_URL ORDER ROUNDS}: the streaming export
     * of {@code export} on it, through a HikariCP pool of 2 as in {@link PgBench}.
     */
    private static void pg(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[1]);
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config);
                ListingStore store = PostgresListingStore.builder(pool).build()) {
            switch (args[0]) {
                case "pg-build" -> {
                    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
                    long t = System.nanoTime();
                    store.importListings(ListingGenerator.listings(1, rows, 1),
                            new ImportRequest("base", "wamatek", null));
                    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                        s.execute("VACUUM (ANALYZE)");
                    }
                    System.err.printf(Locale.ROOT, "%,d rows in %.1f s%n", rows, (System.nanoTime() - t) / 1e9);
                }
                case "pg-export" -> {
                    long rows = store.countListings(ListingQuery.all());
                    for (int round = 0; round < Integer.parseInt(args[3]); round++) {
                        System.out.println((round == 0 ? "warm-up " : "")
                                + exportRow(store, Order.valueOf(args[2]), rows,
                                        args.length > 4 ? Integer.parseInt(args[4]) : ListingQuery.MAX_LIMIT));
                    }
                }
                default -> throw new IllegalArgumentException("build, measure, export, pg-build or pg-export, was "
                        + args[0]);
            }
        }
    }

    private static void build(Path dir, int rows) throws Exception {
        Files.createDirectories(dir);
        long t = System.nanoTime();
        try (ListingStore store = new SqliteListingStore(dir.resolve("one.sqlite3"))) {
            store.importListings(ListingGenerator.listings(1, rows, 1), new ImportRequest("base", "wamatek", null));
        }
        System.err.printf(Locale.ROOT, "one.sqlite3: %,d rows in %.1f s%n", rows, (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        try (ListingStore store = new SqliteListingStore(dir.resolve("history.sqlite3"))) {
            int each = rows / IMPORTS;
            for (int i = 0; i < IMPORTS; i++) {
                Iterator<Listing> listings = ListingGenerator.listings(100 + i, each, 1 + (long) i * each);
                store.importListings(listings, new ImportRequest("scrape-" + i, i % 2 == 0 ? "shop-a" : "shop-b",
                        null));
            }
        }
        System.err.printf(Locale.ROOT, "history.sqlite3: %,d rows in %d imports in %.1f s%n", rows, IMPORTS,
                (System.nanoTime() - t) / 1e9);
    }

    /** A market query shape of issue 10; {@link PgBench} times the same shapes on PostgreSQL. */
    record Shape(String name, Supplier<Object> call) {
    }

    static List<Shape> shapes(ListingStore store) {
        String common = ListingGenerator.commonModel();
        String rare = ListingGenerator.rareModel();
        ListingQuery top = ListingQuery.builder().orderBy(Order.SCORE_DESC).limit(100).build();
        ListingQuery vramPriceStock = ListingQuery.builder().minVramGb(16).maxPrice(new BigDecimal("2000"))
                .inStock().orderBy(Order.SCORE_DESC).limit(100).build();
        ListingQuery currentModel = top.toBuilder().model(common).current().build();
        return List.of(
                new Shape("for comparison: model " + common + ", SCORE_DESC, top 100 (no market filter)",
                        () -> store.queryListings(top.toBuilder().model(common).build())),
                new Shape("current, model " + common + " (common), SCORE_DESC, top 100",
                        () -> store.queryListings(currentModel)),
                new Shape("current, one row per offer, model " + common + ", SCORE_DESC, top 100",
                        () -> store.queryListings(currentModel.toBuilder().distinctOffers().build())),
                new Shape("current, one row per offer, model " + rare + " (rare), SCORE_DESC, top 100",
                        () -> store.queryListings(currentModel.toBuilder().model(rare).distinctOffers().build())),
                new Shape("current, one row per offer, in stock, model " + common + ", SCORE_DESC, pages 1-5 of 100",
                        () -> page(store, currentModel.toBuilder().distinctOffers().inStock().build(), 5)),
                new Shape("VRAM >= 16 GB + price <= $2000 + in stock, SCORE_DESC, top 100",
                        () -> store.queryListings(vramPriceStock)),
                new Shape("VRAM >= 16 GB + price <= $2000 + in stock, PRICE_ASC, top 100",
                        () -> store.queryListings(vramPriceStock.toBuilder().orderBy(Order.PRICE_ASC).build())),
                new Shape("current, VRAM >= 16 GB + price <= $2000 + in stock, one row per offer, SCORE_DESC",
                        () -> store.queryListings(vramPriceStock.toBuilder().current().distinctOffers().build())),
                new Shape("models (3 common ones), SCORE_DESC, top 100", () -> store.queryListings(top.toBuilder()
                        .models(ListingGenerator.MODELS[1].name(), ListingGenerator.MODELS[2].name(),
                                ListingGenerator.MODELS[3].name()).build())),
                new Shape("countListings current, one row per offer, model " + common,
                        () -> store.countListings(currentModel.toBuilder().distinctOffers().build())));
    }

    private static Object page(ListingStore store, ListingQuery query, int number) {
        String token = null;
        Object last = null;
        for (int i = 0; i < number; i++) {
            var page = store.queryPage(query, token);
            last = page;
            token = page.nextPageToken().orElse(null);
            if (token == null) {
                break;
            }
        }
        return last;
    }

    private static void measure(Path dir, int iterations) {
        System.out.printf(Locale.ROOT, "%s, max heap %d MB, %d cores%n", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        for (String name : List.of("one.sqlite3", "history.sqlite3")) {
            try (ListingStore store = SqliteListingStore.openReadOnly(dir.resolve(name))) {
                long rows = store.countListings(ListingQuery.all());
                long current = store.countListings(ListingQuery.builder().current().build());
                System.out.printf(Locale.ROOT, "%n### %s: %,d rows in %d imports, %,d in the current market%n%n",
                        name, rows, store.listImports().size(), current);
                System.out.println("| query | rows | p50 ms | p99 ms | CPU p50 ms | runs |");
                System.out.println("|---|---:|---:|---:|---:|---:|");
                List<Shape> shapes = shapes(store);
                Map<Shape, long[]> samples = new LinkedHashMap<>();
                Map<Shape, long[]> cpuSamples = new LinkedHashMap<>();
                for (Shape shape : shapes) {
                    for (int i = 0; i < 50; i++) {
                        shape.call().get();
                    }
                    samples.put(shape, new long[iterations]);
                    cpuSamples.put(shape, new long[iterations]);
                }
                for (int i = 0; i < iterations; i++) {
                    for (Shape shape : shapes) {
                        long cpu = THREADS.getCurrentThreadCpuTime();
                        long t = System.nanoTime();
                        shape.call().get();
                        samples.get(shape)[i] = System.nanoTime() - t;
                        cpuSamples.get(shape)[i] = THREADS.getCurrentThreadCpuTime() - cpu;
                    }
                }
                for (Shape shape : shapes) {
                    long[] s = samples.get(shape);
                    long[] c = cpuSamples.get(shape);
                    Arrays.sort(s);
                    Arrays.sort(c);
                    System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %d |%n", shape.name(),
                            size(shape.call().get()), s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6,
                            c[c.length / 2] / 1e6, s.length);
                }
                long cpu = THREADS.getCurrentThreadCpuTime();
                long t = System.nanoTime();
                Object stats = store.modelStats(ListingQuery.builder().current().distinctOffers().inStock().build());
                System.out.printf(Locale.ROOT, "| modelStats current, one row per offer, in stock (once) | %s |"
                        + " %.1f | | %.1f | 1 |%n", size(stats), (System.nanoTime() - t) / 1e6,
                        (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);
                for (Order order : List.of(Order.IMPORT_ORDER, Order.SCORE_DESC)) {
                    for (int run = 0; run < 2; run++) {
                        export(store, order, rows);
                    }
                }
            }
        }
    }

    /**
     * {@code export FILE ORDER ROUNDS}: only the streaming export of every row of one store, {@code ROUNDS} times in
     * this JVM (the first a warm-up, marked so), for builds compared side by side by alternating processes.
     */
    private static void exportOnly(Path file, Order order, int rounds, int pageSize) throws Exception {
        try (ListingStore store = SqliteListingStore.openReadOnly(file)) {
            long rows = store.countListings(ListingQuery.all());
            for (int round = 0; round < rounds; round++) {
                System.out.println((round == 0 ? "warm-up " : "") + exportRow(store, order, rows, pageSize));
            }
        }
    }

    private static void export(ListingStore store, Order order, long expected) {
        System.out.println(exportRow(store, order, expected));
    }

    /** Streams every row into a sink that reads a few fields of each, and returns the rate as a table row. */
    static String exportRow(ListingStore store, Order order, long expected) {
        return exportRow(store, order, expected, ListingQuery.MAX_LIMIT);
    }

    /** As {@link #exportRow(ListingStore, Order, long)}, with pages of {@code pageSize} listings. */
    static String exportRow(ListingStore store, Order order, long expected, int pageSize) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        long[] sink = new long[2];
        try (Stream<Listing> listings = store.streamListings(ListingQuery.builder().orderBy(order)
                .limit(pageSize).build())) {
            listings.forEach(l -> {
                sink[0]++;
                sink[1] += l.canonicalModel().length() + l.importIndex();
            });
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
        if (sink[0] != expected) {
            throw new IllegalStateException("exported " + sink[0] + " of " + expected);
        }
        return String.format(Locale.ROOT, "| streamListings, every row, %s, limit %,d | %,d | %.0f ms"
                + " (%,.0f rows/s) | | %.0f ms (%,.0f rows per CPU s) | 1 |", order, pageSize, sink[0], seconds * 1e3,
                sink[0] / seconds, cpuSeconds * 1e3, sink[0] / cpuSeconds);
    }

    static String size(Object result) {
        if (result instanceof List<?> list) {
            return String.valueOf(list.size());
        }
        if (result instanceof io.glyphd.store.ListingPage page) {
            return String.valueOf(page.listings().size());
        }
        return "count " + result;
    }
}
