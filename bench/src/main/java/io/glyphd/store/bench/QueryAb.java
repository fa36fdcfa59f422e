package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingQuery.Order;
import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Query latency of two or more builds of the library side by side in one JVM, on copies of the same SQLite files,
 * for issues 10 and 12: each build's classes (a {@code target/classes} directory or jar) are loaded in a class
 * loader of their own, ahead of this benchmark's classes, and the builds take turns call by call, in alternating
 * order. {@code java -cp BENCH_CLASSPATH io.glyphd.store.bench.QueryAb build DIR LIBRARY} writes {@code MarketBench}'s
 * two 1,000,000-row stores and {@code diff.sqlite3} (two imports of 100,000 rows) with that build of the library;
 * {@code ... QueryAb measure DIR ITERATIONS LABEL=LIBRARY...} copies them once per label (a build with a newer
 * schema migrates its copy when it opens it) and prints p50/p99 wall and the thread's CPU p50 per shape and build,
 * and each build's p50 against the first's.
 */
public final class QueryAb {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private QueryAb() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("build")) {
            ClassLoader loader = loader(args[2]);
            Class<?> market = Class.forName(MarketBench.class.getName(), true, loader);
            market.getMethod("main", String[].class).invoke(null, (Object) new String[] {"build", dir.toString()});
            Class.forName(Runner.class.getName(), true, loader).getMethod("buildDiff", String.class)
                    .invoke(null, dir.toString());
            return;
        }
        int iterations = Integer.parseInt(args[2]);
        Map<String, IntFunction<long[]>> runners = new LinkedHashMap<>();
        List<String> names = null;
        for (int i = 3; i < args.length; i++) {
            String[] v = args[i].split("=", 2);
            Path copy = dir.resolve("variant-" + v[0]);
            Files.createDirectories(copy);
            for (String file : List.of("one.sqlite3", "history.sqlite3", "diff.sqlite3")) {
                if (!Files.exists(copy.resolve(file))) {
                    Files.copy(dir.resolve(file), copy.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            Object runner = Class.forName(Runner.class.getName(), true, loader(v[1]))
                    .getConstructor(String.class).newInstance(copy.toString());
            @SuppressWarnings("unchecked")
            IntFunction<long[]> run = (IntFunction<long[]>) runner;
            @SuppressWarnings("unchecked")
            List<String> shapeNames = ((Supplier<List<String>>) runner).get();
            names = shapeNames;
            runners.put(v[0], run);
        }
        List<String> labels = new ArrayList<>(runners.keySet());
        int shapes = names.size();
        long[][][] wall = new long[labels.size()][shapes][];
        long[][][] cpu = new long[labels.size()][shapes][];
        long[][] size = new long[labels.size()][shapes];
        int[] counts = new int[shapes];
        for (int s = 0; s < shapes; s++) {
            counts[s] = Runner.slow(names.get(s)) ? Math.max(5, iterations / 20) : iterations;
            for (int v = 0; v < labels.size(); v++) {
                wall[v][s] = new long[counts[s]];
                cpu[v][s] = new long[counts[s]];
                for (int w = 0; w < (Runner.slow(names.get(s)) ? 2 : 20); w++) {
                    size[v][s] = runners.get(labels.get(v)).apply(s)[2];
                }
            }
        }
        for (int i = 0; i < iterations; i++) {
            for (int s = 0; s < shapes; s++) {
                if (i >= counts[s]) {
                    continue;
                }
                for (int k = 0; k < labels.size(); k++) {
                    int v = i % 2 == 0 ? k : labels.size() - 1 - k;
                    long[] r = runners.get(labels.get(v)).apply(s);
                    wall[v][s][i] = r[0];
                    cpu[v][s][i] = r[1];
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s; %d cores; load average %.2f at the end%n%n",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StringBuilder head = new StringBuilder("| query | returned |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (String label : labels) {
            head.append(" ").append(label).append(" p50 ms | ").append(label).append(" p99 ms | ").append(label)
                    .append(" CPU p50 ms |");
            rule.append("---:|---:|---:|");
        }
        for (int v = 1; v < labels.size(); v++) {
            head.append(" ").append(labels.get(v)).append(" / ").append(labels.get(0)).append(" (CPU p50) |");
            rule.append("---:|");
        }
        head.append(" runs |");
        rule.append("---:|");
        System.out.println(head);
        System.out.println(rule);
        for (int s = 0; s < shapes; s++) {
            StringBuilder row = new StringBuilder("| " + names.get(s) + " | " + size[0][s] + " |");
            double[] cpuP50 = new double[labels.size()];
            for (int v = 0; v < labels.size(); v++) {
                long[] w = wall[v][s];
                long[] c = cpu[v][s];
                Arrays.sort(w);
                Arrays.sort(c);
                cpuP50[v] = c[c.length / 2] / 1e6;
                row.append(String.format(Locale.ROOT, " %.3f | %.3f | %.3f |", w[w.length / 2] / 1e6,
                        w[Math.min(w.length - 1, (int) (w.length * 0.99))] / 1e6, cpuP50[v]));
            }
            for (int v = 1; v < labels.size(); v++) {
                row.append(String.format(Locale.ROOT, " %.2f× |", cpuP50[v] / cpuP50[0]));
            }
            row.append(" ").append(counts[s]).append(" |");
            System.out.println(row);
        }
    }

    /** A class loader that finds the library's classes in {@code library} first, then this benchmark's. */
    private static ClassLoader loader(String library) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(Path.of(library).toUri().toURL());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** One build's stores and shapes, loaded in that build's class loader; returns {wall ns, CPU ns, size}. */
    public static final class Runner implements IntFunction<long[]>, Supplier<List<String>> {
        private final List<String> names = new ArrayList<>();
        private final List<Supplier<Object>> calls = new ArrayList<>();

        public Runner(String dir) {
            Path base = Path.of(dir);
            for (String file : List.of("one.sqlite3", "history.sqlite3", "diff.sqlite3")) {
                new SqliteListingStore(base.resolve(file)).close(); // migrates a copy of an older schema
            }
            ListingStore one = SqliteListingStore.openReadOnly(base.resolve("one.sqlite3"));
            ListingStore history = SqliteListingStore.openReadOnly(base.resolve("history.sqlite3"));
            ListingStore diff = SqliteListingStore.openReadOnly(base.resolve("diff.sqlite3"));
            String common = ListingGenerator.commonModel();
            ListingQuery top = ListingQuery.builder().orderBy(Order.SCORE_DESC).limit(100).build();
            ListingQuery currentModel = top.toBuilder().model(common).current().build();
            ListingQuery vramPriceStock = ListingQuery.builder().minVramGb(16).maxPrice(new BigDecimal("2000"))
                    .inStock().orderBy(Order.PRICE_ASC).limit(100).build();
            add("one import: model " + common + ", SCORE_DESC, top 100",
                    () -> one.queryListings(top.toBuilder().model(common).build()));
            add("one import: model RTX_4070, price $500-$600, PRICE_ASC, top 100",
                    () -> one.queryListings(top.toBuilder().model("RTX_4070").minPrice(new BigDecimal("500"))
                            .maxPrice(new BigDecimal("600")).orderBy(Order.PRICE_ASC).build()));
            add("one import: current, one row per offer, model " + common + ", SCORE_DESC, top 100",
                    () -> one.queryListings(currentModel.toBuilder().distinctOffers().build()));
            add("history: model " + common + ", SCORE_DESC, top 100 (no market filter)",
                    () -> history.queryListings(top.toBuilder().model(common).build()));
            add("history: current, model " + common + ", SCORE_DESC, top 100",
                    () -> history.queryListings(currentModel));
            add("history: current, one row per offer, model " + common + ", SCORE_DESC, top 100",
                    () -> history.queryListings(currentModel.toBuilder().distinctOffers().build()));
            add("history: VRAM >= 16 GB + price <= $2000 + in stock, PRICE_ASC, top 100 (slow)",
                    () -> history.queryListings(vramPriceStock));
            add("history: VRAM >= 16 GB + price <= $2000 + in stock, SCORE_DESC, top 100",
                    () -> history.queryListings(vramPriceStock.toBuilder().orderBy(Order.SCORE_DESC).build()));
            add("one import: modelStats, all listings (slow)", () -> one.modelStats(ListingQuery.all()));
            add("one import: modelStats, import base (1,000,000 rows) (slow)",
                    () -> one.modelStats(ListingQuery.builder().importId("base").build()));
            add("diff a → b (100,000 rows each), up to 100 entries per kind (slow)",
                    () -> diff.diff("a", "b", 100));
        }

        private void add(String name, Supplier<Object> call) {
            names.add(name);
            calls.add(call);
        }

        static boolean slow(String name) {
            return name.endsWith("(slow)");
        }

        @Override
        public List<String> get() {
            return names;
        }

        @Override
        public long[] apply(int shape) {
            long c = THREADS.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            Object result = calls.get(shape).get();
            long wall = System.nanoTime() - t;
            long cpu = THREADS.getCurrentThreadCpuTime() - c;
            long size = result instanceof List<?> list ? list.size()
                    : result instanceof io.glyphd.store.ImportDiff d ? d.addedCount() + d.removedCount()
                            + d.changedCount() + d.unchangedCount() : -1;
            return new long[] {wall, cpu, size};
        }

        /** Writes diff.sqlite3: imports a and b of 100,000 listings each, from two seeds over the same ids. */
        public static void buildDiff(String dir) {
            try (ListingStore store = new SqliteListingStore(Path.of(dir).resolve("diff.sqlite3"))) {
                store.importListings(ListingGenerator.listings(7, 100_000, 1), new ImportRequest("a", "shop", null));
                store.importListings(ListingGenerator.listings(8, 100_000, 1), new ImportRequest("b", "shop", null));
            }
        }
    }
}
