package io.glyphd.store.bench;

import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingQuery.Order;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The glyphd-store benchmark: imports against the sqlite3 CLI, queries, open time, first connection, memory, size.
 * Run through bench/run.sh; the options are documented in docs/BENCHMARKS.md.
 */
public final class Bench {
    static final long SEED_BASE = 20250729L;
    static final long SEED_ADD = 20250730L;

    private final int rows;
    private final int addRows;
    private final int runs;
    private final int queryIterations;
    private final Path work;
    private final String sqlite3;
    private final Map<String, String> variants;
    private final int warmup;
    private final PgOptions pg;
    private final StringBuilder report = new StringBuilder();

    /** Where bench/run.sh started the PostgreSQL server, and how many runs its import cases get. */
    private record PgOptions(String host, int port, Path dataDir, String psql, int runs, List<String> tools) {
    }

    private Bench(int rows, int addRows, int runs, int queryIterations, Path work, String sqlite3,
            Map<String, String> variants, int warmup, PgOptions pg) {
        this.warmup = warmup;
        this.pg = pg;
        this.rows = rows;
        this.addRows = addRows;
        this.runs = runs;
        this.queryIterations = queryIterations;
        this.work = work;
        this.sqlite3 = sqlite3;
        this.variants = variants;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Integer rows = null;
        Integer add = null;
        Integer runs = null;
        Integer iterations = null;
        Path work = Path.of("bench/target/work");
        String sqlite3 = "sqlite3";
        List<String> only = new ArrayList<>();
        Integer warmup = null;
        Map<String, String> variants = new LinkedHashMap<>();
        Integer pgPort = null;
        Path pgData = null;
        String psql = "psql";
        Integer pgRuns = null;
        List<String> pgTools = PgBench.DEFAULT_TOOLS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--add" -> add = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--sqlite3" -> sqlite3 = args[++i];
                case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--pg-port" -> pgPort = Integer.parseInt(args[++i]);
                case "--pg-data" -> pgData = Path.of(args[++i]);
                case "--psql" -> psql = args[++i];
                case "--pg-runs" -> pgRuns = Integer.parseInt(args[++i]);
                case "--pg-tools" -> pgTools = Arrays.asList(args[++i].split(","));
                case "--variant" -> {
                    String[] v = args[++i].split("=", 2);
                    variants.put(v[0], v[1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("glyphd", "");
        all.put("glyphd-cold", "");
        all.put("glyphd-gen", "");
        all.putAll(variants);
        int runCount = runs != null ? runs : quick ? 1 : 3;
        PgOptions pg = pgPort == null ? null
                : new PgOptions("127.0.0.1", pgPort, pgData, psql, pgRuns != null ? pgRuns : runCount,
                        pgTools);
        Bench bench = new Bench(rows != null ? rows : quick ? 100_000 : 1_000_000,
                add != null ? add : quick ? 10_000 : 100_000, runCount,
                iterations != null ? iterations : quick ? 200 : 1_000, work.toAbsolutePath(), sqlite3, all,
                warmup != null ? warmup : quick ? 20_000 : 50_000, pg);
        List<String> sections = new ArrayList<>(only.isEmpty()
                ? List.of("import", "anchor", "queries", "floor", "open", "first", "size", "pg-import", "pg-queries")
                : only);
        if (pg == null && sections.removeIf(s -> s.startsWith("pg-"))) {
            System.err.println("no PostgreSQL server (--pg-port): skipping the PostgreSQL sections");
        }
        bench.run(sections);
    }

    private void run(List<String> sections) throws Exception {
        long start = System.nanoTime();
        deleteTree(work);
        Files.createDirectories(work);
        line("# glyphd-store benchmark");
        line("");
        line("%d rows, +%d rows, %d run(s) per import case, %d iterations per query; %s; %d cores; %s",
                rows, addRows, runs, queryIterations, System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                sqliteVersions());
        Path base = work.resolve("base.csv");
        Path add = work.resolve("add.csv");
        long t = System.nanoTime();
        ListingGenerator.writeCsv(base, SEED_BASE, rows, 1, 1);
        ListingGenerator.writeCsv(add, SEED_ADD, addRows, rows + 1L, 2);
        line("generated %s (%d MB) and %s in %d ms", base.getFileName(), Files.size(base) >> 20, add.getFileName(),
                (System.nanoTime() - t) / 1_000_000);
        Path empty = work.resolve("empty.sqlite3");
        new SqliteListingStore(empty).close();
        Path full = work.resolve("full.sqlite3");
        boolean needsFull = sections.stream().anyMatch(s -> List.of("queries", "floor", "open", "size").contains(s));
        if (sections.contains("import")) {
            imports(empty, base, add, full);
        } else if (needsFull) {
            copy(empty, full);
            runGlyphd("glyphd", full, base.toString(), "base");
        }
        if (sections.contains("anchor")) {
            Map<String, String> anchorVariants = new LinkedHashMap<>(variants);
            List.of("glyphd", "glyphd-cold", "glyphd-gen").forEach(anchorVariants::remove);
            new AnchorBench(work, rows, addRows, runs, warmup, anchorVariants, text -> line("%s", text))
                    .run(empty, base, add);
        }
        if (sections.contains("queries")) {
            queries(full);
        }
        if (sections.contains("floor")) {
            line("");
            line("## The documented query shape against its C floor (issue 12), %d rounds of %d calls", 5,
                    queryIterations);
            line("");
            FloorBench.run(AnchorBench.floorBinary(), full, ListingGenerator.commonModel(), 5,
                    Math.max(100, queryIterations), text -> line("%s", text));
        }
        if (sections.contains("open")) {
            openTime(full);
        }
        if (sections.contains("first")) {
            firstConnection();
        }
        if (sections.contains("size")) {
            size(full);
        }
        if (sections.contains("pg-import") || sections.contains("pg-queries")) {
            Map<String, String> pgVariants = new LinkedHashMap<>(variants);
            List.of("glyphd", "glyphd-cold", "glyphd-gen").forEach(pgVariants::remove);
            new PgBench(pg.host(), pg.port(), pg.dataDir(), pg.psql(), rows, pg.runs(), queryIterations, warmup, work,
                    text -> line("%s", text), pg.tools(), pgVariants).run(sections);
        }
        line("");
        line("total benchmark time: %d s", (System.nanoTime() - start) / 1_000_000_000L);
        Files.writeString(work.resolve("report.md"), report, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- imports

    private record Sample(double seconds, long peakRssKb, double cpuSeconds) {
    }

    private void imports(Path empty, Path base, Path add, Path full) throws Exception {
        Map<String, List<Sample>> intoEmpty = new LinkedHashMap<>();
        Map<String, List<Sample>> intoFull = new LinkedHashMap<>();
        Path target = work.resolve("import.sqlite3");
        for (int r = 0; r < runs; r++) {
            for (String tool : order(r)) {
                copy(empty, target);
                Sample s = tool.equals("sqlite3") ? runSqlite3(target, base, 1, "base")
                        : runGlyphd(tool, target, tool.equals("glyphd-gen") ? "generate:" + SEED_BASE + ":" + rows + ":1"
                                : base.toString(), "base");
                checkCount(target, rows);
                intoEmpty.computeIfAbsent(tool, k -> new ArrayList<>()).add(s);
                if (tool.equals("glyphd") && r == runs - 1) {
                    copy(target, full);
                }
                progress("import %d into empty, run %d, %s: %.0f rows/s", rows, r + 1, tool, rows / s.seconds());
            }
        }
        if (!Files.exists(full)) {
            copy(empty, full);
            runGlyphd("glyphd", full, base.toString(), "base");
        }
        for (int r = 0; r < runs; r++) {
            for (String tool : order(r)) {
                copy(full, target);
                Sample s = tool.equals("sqlite3") ? runSqlite3(target, add, 2, "add")
                        : runGlyphd(tool, target, tool.equals("glyphd-gen") ? "generate:" + SEED_ADD + ":" + addRows + ":" + (rows + 1)
                                : add.toString(), "add");
                checkCount(target, rows + addRows);
                intoFull.computeIfAbsent(tool, k -> new ArrayList<>()).add(s);
                progress("import %d into %d, run %d, %s: %.0f rows/s", addRows, rows, r + 1, tool,
                        addRows / s.seconds());
            }
        }
        deleteDb(target);
        line("");
        line("## Imports (median of %d interleaved runs; one transaction; same CSV, same schema)", runs);
        line("");
        line("glyphd-store runs in its own JVM with -Xmx256m through the public API (CSV parsed into Listing records, "
                + "importListings(Iterator)); timed from the call to close(). Warm JVM: it first imported %,d rows "
                + "into a scratch store, as a long-running service would have; cold JVM: no warm-up. The in-memory row "
                + "gets the same listings from the generator as records, so it measures the library alone, without "
                + "CSV parsing. sqlite3 is timed as a whole process.", warmup);
        line("");
        line("| case | tool | rows/s | seconds | vs sqlite3 .import | CPU s | rows per CPU s | peak RSS |");
        line("|---|---|---:|---:|---:|---:|---:|---:|");
        importRows("%,d into an empty store".formatted(rows), rows, intoEmpty);
        importRows("%,d into a %,d-row store".formatted(addRows, rows), addRows, intoFull);
    }

    private List<String> order(int run) {
        List<String> tools = new ArrayList<>(variants.keySet());
        tools.add("sqlite3");
        if (run % 2 == 1) {
            java.util.Collections.reverse(tools);
        }
        return tools;
    }

    private void importRows(String label, int count, Map<String, List<Sample>> samples) {
        double baseline = median(samples.get("sqlite3").stream().mapToDouble(Sample::seconds).toArray());
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            double seconds = median(e.getValue().stream().mapToDouble(Sample::seconds).toArray());
            long rss = (long) median(e.getValue().stream().mapToDouble(Sample::peakRssKb).toArray());
            double cpu = median(e.getValue().stream().mapToDouble(Sample::cpuSeconds).toArray());
            String tool = switch (e.getKey()) {
                case "glyphd" -> "glyphd-store, warm JVM";
                case "glyphd-cold" -> "glyphd-store, cold JVM";
                case "glyphd-gen" -> "glyphd-store, same listings built in memory (no CSV), warm JVM";
                case "sqlite3" -> "sqlite3 CLI .import";
                default -> "glyphd-store " + e.getKey() + ", warm JVM";
            };
            line("| %s | %s | %,.0f | %.2f | %.2f× | %.2f | %,.0f | %d MB |", label, tool, count / seconds, seconds,
                    baseline / seconds, cpu, count / cpu, rss >> 10);
        }
    }

    private Sample runGlyphd(String tool, Path db, String source, String importId) throws Exception {
        String variant = variants.get(tool);
        String classpath = (variant == null || variant.isEmpty() ? "" : variant + File.pathSeparator)
                + System.getProperty("java.class.path");
        int warm = tool.equals("glyphd-cold") ? 0 : warmup;
        List<String> command = List.of(javaBinary(), "-Xmx256m", "-cp", classpath,
                ImportChild.class.getName(), db.toString(), source, importId, String.valueOf(warm));
        String out = exec(command, null, Duration.ofMinutes(20));
        String[] result = resultLine(out);
        return new Sample(Long.parseLong(result[2]) / 1e9, Long.parseLong(result[3]), Long.parseLong(result[4]) / 1e9);
    }

    private Sample runSqlite3(Path db, Path csv, long importKey, String importId) throws Exception {
        Path script = work.resolve("import.sql");
        Files.writeString(script, """
                .bail on
                PRAGMA foreign_keys = ON;
                PRAGMA synchronous = NORMAL;
                INSERT INTO imports (id, import_id, imported_at, source, record_count) VALUES (%d, '%s', %d, '%s', 0);
                .import --csv --skip 1 '%s' listings
                """.formatted(importKey, importId, ListingGenerator.CREATED_MICROS, csv.getFileName(), csv));
        Path time = work.resolve("time.txt");
        long start = System.nanoTime();
        exec(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", time.toString(), sqlite3, db.toString()), script,
                Duration.ofMinutes(30));
        double seconds = (System.nanoTime() - start) / 1e9;
        String[] usage = Files.readString(time).strip().replaceAll("(?s).*\\n", "").split(" ");
        return new Sample(seconds, Long.parseLong(usage[0]), Double.parseDouble(usage[1]) + Double.parseDouble(usage[2]));
    }

    private static String[] resultLine(String out) {
        return out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no RESULT line in:\n" + out)).split(" ");
    }

    // ---------------------------------------------------------------- queries

    /** A query shape; {@code warmups} calls per warm-up round (slow shapes get few). */
    private record Shape(String name, int iterations, int warmups, Supplier<Object> call) {
        Shape(String name, int iterations, Supplier<Object> call) {
            this(name, iterations, Math.min(iterations, 200), call);
        }
    }

    private void queries(Path full) throws Exception {
        try (SqliteListingStore store = new SqliteListingStore(full)) {
            String common = ListingGenerator.commonModel();
            String rare = ListingGenerator.rareModel();
            java.time.Instant weekAgo = ListingGenerator.END.minus(Duration.ofDays(7));
            int deepPage = Math.min(5_000, rows / 100 / 2);
            ListingQuery importPage = ListingQuery.builder().importId("base").limit(100).build();
            String token = null;
            for (int p = 1; p < deepPage; p++) {
                token = store.queryPage(importPage, token).nextPageToken().orElseThrow();
            }
            String deepToken = token;
            ListingQuery scorePage = ListingQuery.builder().model(common).orderBy(Order.SCORE_DESC).limit(100)
                    .build();
            String scoreToken = null;
            int scoreDeep = (int) Math.min(100, store.countListings(scorePage) / 100 / 2);
            for (int p = 1; p < scoreDeep; p++) {
                scoreToken = store.queryPage(scorePage, scoreToken).nextPageToken().orElseThrow();
            }
            String deepScoreToken = scoreToken;
            int slow = Math.max(20, queryIterations / 20);
            int stats = Math.max(10, queryIterations / 50);
            List<Shape> shapes = List.of(
                    new Shape("model " + common + " (common), SCORE_DESC, top 100", queryIterations,
                            () -> store.queryListings(scorePage)),
                    new Shape("model " + rare + " (rare), SCORE_DESC, top 100", queryIterations,
                            () -> store.queryListings(ListingQuery.builder().model(rare).orderBy(Order.SCORE_DESC)
                                    .limit(100).build())),
                    new Shape("model UNKNOWN (47% of rows), SCORE_DESC, top 100", queryIterations,
                            () -> store.queryListings(ListingQuery.builder().model("UNKNOWN")
                                    .orderBy(Order.SCORE_DESC).limit(100).build())),
                    new Shape("score 0.30-0.35, SCORE_DESC, top 100", queryIterations,
                            () -> store.queryListings(ListingQuery.builder().minScore(0.30).maxScore(0.35)
                                    .orderBy(Order.SCORE_DESC).limit(100).build())),
                    new Shape("region USA (common), seen in last 7 days, newest 100", queryIterations,
                            () -> store.queryListings(ListingQuery.builder().region("USA").seenAfter(weekAgo)
                                    .orderBy(Order.SEEN_AT_DESC).limit(100).build())),
                    new Shape("region BRAZIL (rare), seen in last 7 days, newest 100", queryIterations,
                            () -> store.queryListings(ListingQuery.builder().region("BRAZIL").seenAfter(weekAgo)
                                    .orderBy(Order.SEEN_AT_DESC).limit(100).build())),
                    new Shape("model RTX_4070, price $500-$600, PRICE_ASC, top 100", queryIterations,
                            () -> store.queryListings(ListingQuery.builder().model("RTX_4070")
                                    .minPrice(new BigDecimal("500")).maxPrice(new BigDecimal("600"))
                                    .orderBy(Order.PRICE_ASC).limit(100).build())),
                    new Shape("import page %,d of 100 (queryPage, keyset)".formatted(deepPage), queryIterations,
                            () -> store.queryPage(importPage, deepToken)),
                    new Shape("import page %,d of 100 (queryListings, OFFSET %,d)".formatted(deepPage,
                            (deepPage - 1) * 100L), slow,
                            () -> store.queryListings(importPage.toBuilder().offset((deepPage - 1) * 100L).build())),
                    new Shape("model %s SCORE_DESC page %d (queryPage)".formatted(common, scoreDeep),
                            queryIterations, () -> store.queryPage(scorePage, deepScoreToken)),
                    new Shape("countListings model " + common + " (common)", queryIterations,
                            () -> store.countListings(ListingQuery.builder().model(common).build())),
                    new Shape("countListings model UNKNOWN (47% of rows)", slow,
                            () -> store.countListings(ListingQuery.builder().model("UNKNOWN").build())),
                    new Shape("modelStats, all listings (every model, true median)", stats, 2,
                            () -> store.modelStats(ListingQuery.all())),
                    new Shape("modelStats, import base (every model, true median)", stats, 2,
                            () -> store.modelStats(ListingQuery.builder().importId("base").build())));
            for (Shape shape : shapes) {
                Object result = shape.call().get();
                if (result instanceof List<?> list && list.isEmpty()
                        || result instanceof ListingPage page && page.listings().isEmpty()) {
                    throw new IllegalStateException("query returns nothing: " + shape.name());
                }
            }
            for (int w = 0; w < 3; w++) {
                for (Shape shape : shapes) {
                    for (int i = 0; i < shape.warmups(); i++) {
                        shape.call().get();
                    }
                }
            }
            Map<Shape, long[]> samples = new LinkedHashMap<>();
            Map<Shape, long[]> cpuSamples = new LinkedHashMap<>();
            shapes.forEach(s -> samples.put(s, new long[s.iterations()]));
            shapes.forEach(s -> cpuSamples.put(s, new long[s.iterations()]));
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long gcBefore = gcMillis();
            int max = shapes.stream().mapToInt(Shape::iterations).max().orElse(0);
            for (int i = 0; i < max; i++) {
                for (Shape shape : shapes) {
                    if (i < shape.iterations()) {
                        long cpu = threads.getCurrentThreadCpuTime();
                        long t = System.nanoTime();
                        Object r = shape.call().get();
                        samples.get(shape)[i] = System.nanoTime() - t;
                        cpuSamples.get(shape)[i] = threads.getCurrentThreadCpuTime() - cpu;
                        if (r == null) {
                            throw new IllegalStateException();
                        }
                    }
                }
            }
            line("");
            line("## Queries at %,d rows, through the public API (records mapped), interleaved", rows);
            line("");
            long gc = gcMillis() - gcBefore;
            line("Wall-clock latency, and the querying thread's own CPU time (what the query costs, without the time "
                    + "other processes on this shared machine took the core). %d ms of GC pauses during the measured "
                    + "loop.", gc);
            line("");
            line("| query | rows returned | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms | runs |");
            line("|---|---:|---:|---:|---:|---:|---:|");
            for (Shape shape : shapes) {
                long[] s = samples.get(shape);
                Arrays.sort(s);
                long[] c = cpuSamples.get(shape);
                Arrays.sort(c);
                Object result = shape.call().get();
                String returned = result instanceof List<?> list && !list.isEmpty()
                        && list.get(0) instanceof io.glyphd.store.ModelStats ? list.size() + " models"
                        : result instanceof List<?> list ? String.valueOf(list.size())
                        : result instanceof ListingPage page ? String.valueOf(page.listings().size())
                        : "count " + result;
                line("| %s | %s | %.3f | %.3f | %.3f | %.3f | %d |", shape.name(), returned, percentile(s, 50) / 1e6,
                        percentile(s, 99) / 1e6, percentile(c, 50) / 1e6, percentile(c, 99) / 1e6, s.length);
            }
        }
    }

    static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    // ---------------------------------------------------------------- open, first connection, size

    private void openTime(Path full) {
        long[] samples = new long[21];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            try (SqliteListingStore store = new SqliteListingStore(full)) {
                store.countListings(ListingQuery.builder().model("none").build());
            }
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        line("");
        line("## Open");
        line("");
        line("Opening the %,d-row store (constructor + first query + close), after the JVM's first connection: "
                + "p50 %.1f ms, max %.1f ms (%d opens).", rows, percentile(samples, 50) / 1e6,
                samples[samples.length - 1] / 1e6, samples.length);
    }

    private void firstConnection() throws Exception {
        Path lib = work.resolve("native");
        Files.createDirectories(lib);
        Path so = lib.resolve("libsqlitejdbc.so");
        try (var in = org.sqlite.SQLiteJDBCLoader.class.getResourceAsStream(
                "/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so")) {
            if (in != null) {
                Files.copy(in, so, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<double[]> plain = new ArrayList<>();
        List<double[]> preExtracted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            plain.add(firstConnectionRun(List.of()));
            if (Files.exists(so)) {
                preExtracted.add(firstConnectionRun(List.of("-Dorg.sqlite.lib.path=" + lib,
                        "-Dorg.sqlite.lib.name=libsqlitejdbc.so")));
            }
        }
        line("");
        line("## First connection in a fresh JVM (median of 3; open read-only + count + close)");
        line("");
        line("| setup | first open ms | second open ms | JVM uptime at exit ms |");
        line("|---|---:|---:|---:|");
        firstRow("default (driver extracts its native library to a fresh temp file)", plain);
        if (!preExtracted.isEmpty()) {
            firstRow("-Dorg.sqlite.lib.path/-Dorg.sqlite.lib.name (library extracted once)", preExtracted);
        }
    }

    private void firstRow(String label, List<double[]> runsOf) {
        line("| %s | %.0f | %.1f | %.0f |", label, median(runsOf.stream().mapToDouble(r -> r[0]).toArray()),
                median(runsOf.stream().mapToDouble(r -> r[1]).toArray()),
                median(runsOf.stream().mapToDouble(r -> r[2]).toArray()));
    }

    private double[] firstConnectionRun(List<String> properties) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(properties);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FirstConnection.class.getName(),
                work.resolve("full.sqlite3").toString()));
        String[] r = resultLine(exec(command, null, Duration.ofMinutes(2)));
        return new double[] {Double.parseDouble(r[1]), Double.parseDouble(r[2]), Double.parseDouble(r[3])};
    }

    private void size(Path full) throws Exception {
        long bytes = Files.size(full);
        line("");
        line("## File size at %,d rows", rows);
        line("");
        line("%,d bytes (%.0f MB), %.0f bytes per row (every index included).", bytes, bytes / 1e6,
                (double) bytes / rows);
        Path copy = work.resolve("index-cost.sqlite3");
        copy(full, copy);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA cache_size = -262144");
            Map<String, String> indexes = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
                    + " AND tbl_name = 'listings' ORDER BY name")) {
                while (rs.next()) {
                    indexes.put(rs.getString(1), rs.getString(2));
                }
            }
            Map<String, Long> sizes = new LinkedHashMap<>();
            boolean dbstat = true;
            try (ResultSet rs = s.executeQuery("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")) {
                while (rs.next()) {
                    sizes.put(rs.getString(1), rs.getLong(2));
                }
            } catch (SQLException e) {
                dbstat = false;
            }
            line("");
            line("| object | size MB | bytes/row | CREATE INDEX at %,d rows, s |", rows);
            line("|---|---:|---:|---:|");
            if (dbstat) {
                line("| listings table | %.1f | %.0f | |", sizes.getOrDefault("listings", 0L) / 1e6,
                        (double) sizes.getOrDefault("listings", 0L) / rows);
            }
            for (Map.Entry<String, String> index : indexes.entrySet()) {
                String build = "";
                if (index.getValue() != null) {
                    s.execute("DROP INDEX " + index.getKey());
                    long t = System.nanoTime();
                    s.execute(index.getValue());
                    build = "%.2f".formatted((System.nanoTime() - t) / 1e9);
                }
                long size = sizes.getOrDefault(index.getKey(), 0L);
                line("| %s | %s | %s | %s |", index.getKey() + (index.getValue() == null ? " (UNIQUE constraint)" : ""),
                        dbstat ? "%.1f".formatted(size / 1e6) : "?", dbstat ? "%.0f".formatted((double) size / rows)
                                : "?", build);
            }
        }
        deleteDb(copy);
    }

    // ---------------------------------------------------------------- helpers

    private void checkCount(Path db, long expected) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM listings")) {
            rs.next();
            if (rs.getLong(1) != expected) {
                throw new IllegalStateException(db + " holds " + rs.getLong(1) + " listings, expected " + expected);
            }
        }
    }

    private String sqliteVersions() {
        String cli;
        try {
            cli = exec(List.of(sqlite3, "--version"), null, Duration.ofSeconds(30)).strip().split(" ")[0];
        } catch (Exception e) {
            cli = "not found";
        }
        String bundled;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
            rs.next();
            bundled = rs.getString(1);
        } catch (SQLException e) {
            bundled = "?";
        }
        return "sqlite3 CLI " + cli + ", SQLite in sqlite-jdbc " + bundled;
    }

    private static String exec(List<String> command, Path stdin, Duration timeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + " from " + command + ":\n" + text);
        }
        return text;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Copies a store and forces the copy to disk, so that the kernel's write-back of a 500 MB copy does not compete
     * with whichever tool runs next.
     */
    private static void copy(Path from, Path to) throws IOException {
        deleteDb(to);
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(to, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteDb(Path db) throws IOException {
        Files.deleteIfExists(db);
        Files.deleteIfExists(Path.of(db + "-wal"));
        Files.deleteIfExists(Path.of(db + "-shm"));
        Files.deleteIfExists(Path.of(db + "-journal"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Nearest-rank percentile of sorted samples. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        report.append(text).append('\n');
        System.out.println(text);
    }

    static void progress(String format, Object... args) {
        System.err.println("  .. " + String.format(Locale.ROOT, format, args));
    }
}
