package io.glyphd.store.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.glyphd.store.ImportDiff;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingQuery.Order;
import io.glyphd.store.ModelStats;
import io.glyphd.store.postgres.PostgresListingStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The PostgreSQL half of the benchmark, on a server bench/run.sh starts for it: a 1,000,000-row import through
 * {@link PostgresListingStore} against two {@code psql} ways of loading the same CSV into the same schema (a plain
 * {@code \copy} into the indexed listings table; {@code \copy} into a staging table plus one
 * {@code INSERT ... SELECT}), each in a fresh database, interleaved; then query latency through the public API in two
 * layouts of the same size: one import of every row, and a year of daily imports.
 */
final class PgBench {
    private static final String TEMPLATE = "glyphd_bench_template";
    private static final long SEED_DAILY = 20250731L;
    private static final int DAYS = 365;
    /** Listings that leave (and join) the daily scrape from one day to the next. */
    private static final int DAILY_STEP = 100;
    private static final List<String> SETTINGS = List.of("server_version", "shared_buffers", "wal_buffers",
            "max_wal_size", "checkpoint_timeout", "work_mem", "maintenance_work_mem", "temp_buffers",
            "effective_cache_size", "random_page_cost", "fsync", "synchronous_commit", "full_page_writes",
            "wal_compression", "wal_level", "jit", "autovacuum", "max_connections");
    /** The loads compared by default; "glyphd-gen" (listings built in memory, no CSV) can be added. */
    static final List<String> DEFAULT_TOOLS = List.of("glyphd", "copy", "script");

    private final String host;
    private final int port;
    private final Path dataDir;
    private final String psql;
    private final int rows;
    private final int runs;
    private final int iterations;
    private final int warmup;
    private final Path work;
    private final Consumer<String> out;
    private final List<String> tools;
    /** Other builds of the library (label to class path), imported with like "glyphd", each with its own schema. */
    private final Map<String, String> variants;

    PgBench(String host, int port, Path dataDir, String psql, int rows, int runs, int iterations, int warmup,
            Path work, Consumer<String> out, List<String> tools, Map<String, String> variants) {
        this.tools = new ArrayList<>(tools);
        this.variants = variants;
        for (String label : variants.keySet()) {
            this.tools.add(this.tools.indexOf("copy") < 0 ? this.tools.size() : this.tools.indexOf("copy"), label);
        }
        this.host = host;
        this.port = port;
        this.dataDir = dataDir;
        this.psql = psql;
        this.rows = rows;
        this.runs = runs;
        this.iterations = iterations;
        this.warmup = warmup;
        this.work = work;
        this.out = out;
    }

    void run(List<String> sections) throws Exception {
        line("");
        line("## PostgreSQL");
        line("");
        line("Server: %s", settings());
        Path csv = work.resolve("base-pg.csv");
        long t = System.nanoTime();
        ListingGenerator.writePostgresCsv(csv, Bench.SEED_BASE, rows, 1);
        line("");
        line("generated %s (%d MB, the same %,d listings as base.csv in PostgreSQL's text forms) in %d ms",
                csv.getFileName(), Files.size(csv) >> 20, rows, (System.nanoTime() - t) / 1_000_000);
        // The store's own schema.sql, created by the library; every database below is a copy of one of these.
        createTemplate(TEMPLATE, "");
        for (Map.Entry<String, String> variant : variants.entrySet()) {
            createTemplate(template(variant.getKey()), variant.getValue());
        }
        String single = "glyphd_bench_single";
        admin("DROP DATABASE IF EXISTS " + single);
        if (sections.contains("pg-import")) {
            imports(csv, single);
        } else {
            createDatabase(single, TEMPLATE);
            runGlyphd(single, csv.toString(), "base", 0);
        }
        String daily = "glyphd_bench_daily";
        admin("DROP DATABASE IF EXISTS " + daily);
        if (sections.contains("pg-queries")) {
            int perDay = (rows + DAYS - 1) / DAYS;
            createDatabase(daily, TEMPLATE);
            Sample d = runGlyphd(daily, "daily:" + SEED_DAILY + ":" + DAYS + ":" + perDay + ":" + DAILY_STEP, "daily",
                    0);
            line("");
            line("Daily layout: %d imports of %,d listings (%,d rows in all; consecutive imports share all but %d "
                    + "listings, each listing is in about %d imports, a seventh of them change price from one day to "
                    + "the next), imported one after the other through the library in one JVM: %.1f s, %,.0f rows/s, "
                    + "server CPU %.1f s.", DAYS, perDay, (long) perDay * DAYS, DAILY_STEP, perDay / DAILY_STEP,
                    d.seconds(), perDay * (double) DAYS / d.seconds(), d.serverCpu());
            for (String db : List.of(single, daily)) {
                try (Connection c = connect(db); Statement s = c.createStatement()) {
                    s.execute("VACUUM (ANALYZE) listings");
                    s.execute("VACUUM (ANALYZE) imports");
                }
            }
            queries(single, false);
            queries(daily, true);
        }
        for (String db : List.of(single, daily, TEMPLATE)) {
            admin("DROP DATABASE IF EXISTS " + db);
        }
        for (String label : variants.keySet()) {
            admin("DROP DATABASE IF EXISTS " + template(label));
        }
    }

    private static String template(String variant) {
        return variant.isEmpty() ? TEMPLATE : TEMPLATE + "_" + variant.replaceAll("[^a-z0-9]", "_");
    }

    private void createTemplate(String name, String classPath) throws Exception {
        admin("DROP DATABASE IF EXISTS " + name);
        admin("CREATE DATABASE " + name);
        exec(List.of(Bench.javaBinary(), "-cp", classPath(classPath), PgImportChild.class.getName(), url(name),
                "schema"), Duration.ofMinutes(5));
    }

    private static String classPath(String variant) {
        return (variant == null || variant.isEmpty() ? "" : variant + java.io.File.pathSeparator)
                + System.getProperty("java.class.path");
    }

    // ---------------------------------------------------------------- imports

    /**
     * One timed load. Server CPU is every server process's (the backend, WAL writer, checkpointer, ...) over the
     * timed part; client CPU is the JVM's or psql's; WAL is what the load wrote.
     */
    private record Sample(double seconds, double serverCpu, double clientCpu, long walBytes, long peakRssKb) {
    }

    private void imports(Path csv, String keep) throws Exception {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        tools.forEach(tool -> samples.put(tool, new ArrayList<>()));
        for (int r = 0; r < runs; r++) {
            List<String> order = new ArrayList<>(tools);
            if (r % 2 == 1) {
                Collections.reverse(order);
            }
            for (String tool : order) {
                String db = "glyphd_bench_" + tool.replaceAll("[^a-z0-9]", "_");
                admin("DROP DATABASE IF EXISTS " + db);
                createDatabase(db, variants.containsKey(tool) ? template(tool) : TEMPLATE);
                Sample s = switch (tool) {
                    case "glyphd" -> runGlyphd(db, csv.toString(), "base", warmup);
                    case "glyphd-gen" -> runGlyphd(db, "generate:" + Bench.SEED_BASE + ":" + rows + ":1", "base",
                            warmup);
                    case "copy" -> runPsql(db, plainCopyScript(csv));
                    case "script" -> runPsql(db, stagingScript(csv));
                    default -> runGlyphd(db, csv.toString(), "base", warmup, variants.get(tool));
                };
                checkCount(db, rows);
                samples.get(tool).add(s);
                Bench.progress("postgres import %d, run %d, %s: %.0f rows/s (server CPU %.1f s, client CPU %.1f s)",
                        rows, r + 1, tool, rows / s.seconds(), s.serverCpu(), s.clientCpu());
                if (tool.equals(tools.get(0)) && r == runs - 1) {
                    admin("ALTER DATABASE " + db + " RENAME TO " + keep);
                } else {
                    admin("DROP DATABASE " + db);
                }
            }
        }
        line("");
        line("### PostgreSQL import: %,d listings into an empty store (median of %d interleaved runs)", rows, runs);
        line("");
        line("Each run loads the same CSV into a fresh database created from one template that holds the store's "
                + "own schema.sql (every index, the foreign key, the CHECKs and triggers), after a CHECKPOINT, in one "
                + "transaction. glyphd-store: its own JVM with -Xmx256m, the CSV parsed into Listing records and "
                + "streamed to importListings(Iterator) (a binary COPY), after a %,d-row warm-up import into a scratch "
                + "database; timed from the call until it returns. psql: timed as a whole process. Server CPU is the "
                + "whole server's (backend, WAL writer, checkpointer) over the timed part.", warmup);
        line("");
        line("| tool | rows/s | seconds | vs plain COPY | vs COPY + INSERT…SELECT | server CPU s | client CPU s "
                + "| WAL MB | client peak RSS |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        double copy = samples.containsKey("copy") ? median(samples.get("copy"), Sample::seconds) : Double.NaN;
        double script = samples.containsKey("script") ? median(samples.get("script"), Sample::seconds) : Double.NaN;
        for (String tool : tools) {
            List<Sample> list = samples.get(tool);
            double seconds = median(list, Sample::seconds);
            String name = switch (tool) {
                case "glyphd" -> "glyphd-store importListings (binary COPY), CSV parsed into records, warm JVM";
                case "glyphd-gen" -> "glyphd-store importListings (binary COPY), same listings built in memory "
                        + "(no CSV), warm JVM";
                case "copy" -> "psql: \\copy into listings (plain COPY, CSV)";
                case "script" -> "psql: \\copy into a temporary staging table + INSERT INTO listings SELECT";
                default -> "glyphd-store " + tool + " (its own schema.sql), warm JVM";
            };
            line("| %s | %,.0f | %.1f | %.2f× | %.2f× | %.1f | %.2f | %,.0f | %d MB |", name, rows / seconds, seconds,
                    copy / seconds, script / seconds, median(list, Sample::serverCpu),
                    median(list, Sample::clientCpu), median(list, s -> (double) s.walBytes()) / 1e6,
                    (long) median(list, s -> (double) s.peakRssKb()) >> 10);
        }
        line("");
        line("Every run (rows/s): %s", everyRun(samples));
    }

    private String everyRun(Map<String, List<Sample>> samples) {
        List<String> parts = new ArrayList<>();
        samples.forEach((tool, list) -> parts.add(tool + " " + String.join(", ",
                list.stream().map(s -> "%,.0f".formatted(rows / s.seconds())).toList())));
        return String.join("; ", parts);
    }

    private String plainCopyScript(Path csv) {
        return """
                \\set ON_ERROR_STOP on
                BEGIN;
                INSERT INTO imports (import_id, imported_at, source) VALUES ('base', now(), '%2$s');
                \\copy listings (%1$s) FROM '%2$s' (FORMAT csv, HEADER)
                COMMIT;
                """.formatted(ListingGenerator.POSTGRES_HEADER, csv);
    }

    private String stagingScript(Path csv) {
        String columns = ListingGenerator.POSTGRES_HEADER;
        String selected = columns.replaceFirst("^import_key,", ":import_key,");
        return """
                \\set ON_ERROR_STOP on
                BEGIN;
                CREATE TEMPORARY TABLE staging ON COMMIT DROP AS SELECT %1$s FROM listings WITH NO DATA;
                \\copy staging FROM '%3$s' (FORMAT csv, HEADER)
                INSERT INTO imports (import_id, imported_at, source) VALUES ('base', now(), '%3$s') RETURNING id AS import_key
                \\gset
                INSERT INTO listings (%1$s) SELECT %2$s FROM staging;
                COMMIT;
                """.formatted(columns, selected, csv);
    }

    private Sample runPsql(String db, String script) throws Exception {
        Path file = work.resolve("pg-import.sql");
        Files.writeString(file, script);
        Path time = work.resolve("pg-time.txt");
        long wal = walLsn();
        double server = serverCpu();
        long start = System.nanoTime();
        exec(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", time.toString(), psql, "-X", "-q", "-h", host, "-p",
                String.valueOf(port), "-U", "postgres", "-d", db, "-f", file.toString()), Duration.ofMinutes(60));
        double seconds = (System.nanoTime() - start) / 1e9;
        waitForBackends(db);
        double serverCpu = serverCpu() - server;
        long walBytes = walLsn() - wal;
        String[] usage = Files.readString(time).strip().replaceAll("(?s).*\\n", "").split(" ");
        return new Sample(seconds, serverCpu, Double.parseDouble(usage[1]) + Double.parseDouble(usage[2]), walBytes,
                Long.parseLong(usage[0]));
    }

    /**
     * Runs {@link PgImportChild}: it warms up (untimed), says READY, waits for GO while this side takes the server's
     * CPU and WAL position, then imports and prints its RESULT.
     */
    private Sample runGlyphd(String db, String source, String importId, int warm) throws Exception {
        return runGlyphd(db, source, importId, warm, "");
    }

    private Sample runGlyphd(String db, String source, String importId, int warm, String variant) throws Exception {
        String scratch = "glyphd_bench_warmup";
        if (warm > 0) {
            admin("DROP DATABASE IF EXISTS " + scratch);
            createDatabase(scratch, TEMPLATE);
        }
        List<String> command = List.of(Bench.javaBinary(), "-Xmx256m", "-cp", classPath(variant),
                PgImportChild.class.getName(), url(db), source, importId, String.valueOf(warm), url(scratch));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        String result = null;
        long wal = 0;
        double server = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer writer = new OutputStreamWriter(process.getOutputStream(),
                StandardCharsets.UTF_8)) {
            for (String l = reader.readLine(); l != null; l = reader.readLine()) {
                output.append(l).append('\n');
                if (l.equals("READY")) {
                    if (warm > 0) {
                        waitForBackends(scratch);
                    }
                    wal = walLsn();
                    server = serverCpu();
                    writer.write("GO\n");
                    writer.flush();
                } else if (l.startsWith("RESULT ")) {
                    result = l;
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.MINUTES) || process.exitValue() != 0 || result == null) {
            process.destroyForcibly();
            throw new IllegalStateException("import child failed:\n" + output);
        }
        waitForBackends(db);
        double serverCpu = serverCpu() - server;
        long walBytes = walLsn() - wal;
        if (warm > 0) {
            admin("DROP DATABASE IF EXISTS " + scratch);
        }
        String[] r = result.split(" ");
        return new Sample(Long.parseLong(r[2]) / 1e9, serverCpu, Long.parseLong(r[4]) / 1e9, walBytes,
                Long.parseLong(r[3]));
    }

    // ---------------------------------------------------------------- queries

    /** A query shape; {@code warmups} calls per warm-up round. */
    private record Shape(String name, int iterations, int warmups, Supplier<Object> call) {
        Shape(String name, int iterations, Supplier<Object> call) {
            this(name, iterations, Math.min(iterations, 100), call);
        }
    }

    private void queries(String db, boolean daily) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(db));
        config.setMaximumPoolSize(2);
        config.setPoolName("bench");
        try (HikariDataSource pool = new HikariDataSource(config);
                PostgresListingStore store = PostgresListingStore.builder(pool).build()) {
            String common = ListingGenerator.commonModel();
            String rare = ListingGenerator.rareModel();
            Instant weekAgo = ListingGenerator.END.minus(Duration.ofDays(7));
            String importId = daily ? PgImportChild.dailyId(DAYS / 2) : "base";
            String previous = daily ? PgImportChild.dailyId(DAYS / 2 - 1) : "base";
            int slow = Math.max(10, iterations / 20);
            int stats = Math.max(10, iterations / 50);
            long total = store.countListings(ListingQuery.all());
            // Page 5,000 of 100 rows: within the one import, or in IMPORT_ORDER across every import of the year.
            ListingQuery pages = daily ? ListingQuery.builder().limit(100).build()
                    : ListingQuery.builder().importId(importId).limit(100).build();
            int deepPage = (int) Math.min(5_000, total / 100 / 2);
            String token = null;
            for (int p = 1; p < deepPage; p++) {
                token = store.queryPage(pages, token).nextPageToken().orElseThrow();
            }
            String deepToken = token;
            ListingQuery scorePage = ListingQuery.builder().model(common).orderBy(Order.SCORE_DESC).limit(100).build();
            String scoreToken = null;
            int scoreDeep = (int) Math.min(100, store.countListings(scorePage) / 100 / 2);
            for (int p = 1; p < scoreDeep; p++) {
                scoreToken = store.queryPage(scorePage, scoreToken).nextPageToken().orElseThrow();
            }
            String deepScoreToken = scoreToken;
            List<Listing> sample = store.queryListings(ListingQuery.builder().importId(importId).limit(100).build());
            Listing tracked = sample.get(49);
            int sightings = store.history(tracked.sourceUrl(), tracked.canonicalModel()).size();
            long importRows = store.countListings(ListingQuery.builder().importId(importId).build());
            List<Shape> shapes = new ArrayList<>(List.of(
                    new Shape("model " + common + " (common), SCORE_DESC, top 100", iterations,
                            () -> store.queryListings(scorePage)),
                    new Shape("model " + rare + " (rare), SCORE_DESC, top 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().model(rare).orderBy(Order.SCORE_DESC)
                                    .limit(100).build())),
                    new Shape("model UNKNOWN (47% of rows), SCORE_DESC, top 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().model("UNKNOWN")
                                    .orderBy(Order.SCORE_DESC).limit(100).build())),
                    new Shape("model RTX_4070, price $500-$600, PRICE_ASC, top 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().model("RTX_4070")
                                    .minPrice(new BigDecimal("500")).maxPrice(new BigDecimal("600"))
                                    .orderBy(Order.PRICE_ASC).limit(100).build())),
                    new Shape("score 0.30-0.35, SCORE_DESC, top 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().minScore(0.30).maxScore(0.35)
                                    .orderBy(Order.SCORE_DESC).limit(100).build())),
                    new Shape("price $500-$600, PRICE_ASC, top 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().minPrice(new BigDecimal("500"))
                                    .maxPrice(new BigDecimal("600")).orderBy(Order.PRICE_ASC).limit(100).build())),
                    new Shape("region USA (common), seen in last 7 days, SEEN_AT_DESC, newest 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().region("USA").seenAfter(weekAgo)
                                    .orderBy(Order.SEEN_AT_DESC).limit(100).build())),
                    new Shape("region BRAZIL (rare), seen in last 7 days, SEEN_AT_DESC, newest 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().region("BRAZIL").seenAfter(weekAgo)
                                    .orderBy(Order.SEEN_AT_DESC).limit(100).build())),
                    new Shape("seen in last 7 days, SEEN_AT_DESC, newest 100", iterations,
                            () -> store.queryListings(ListingQuery.builder().seenAfter(weekAgo)
                                    .orderBy(Order.SEEN_AT_DESC).limit(100).build())),
                    new Shape("import %s (%,d rows), IMPORT_ORDER, first 100".formatted(importId, importRows),
                            iterations, () -> store.queryListings(ListingQuery.builder().importId(importId)
                                    .limit(100).build())),
                    new Shape("keyset page 1 of 100 (queryPage, %s)".formatted(daily ? "every import, IMPORT_ORDER"
                            : "import " + importId), iterations, () -> store.queryPage(pages, null)),
                    new Shape("keyset page %,d of 100 (queryPage, same walk)".formatted(deepPage), iterations,
                            () -> store.queryPage(pages, deepToken)),
                    new Shape("page %,d of 100 by OFFSET %,d (queryListings, for comparison)".formatted(deepPage,
                            (deepPage - 1) * 100L), slow,
                            () -> store.queryListings(pages.toBuilder().offset((deepPage - 1) * 100L).build())),
                    new Shape("model %s SCORE_DESC keyset page %d (queryPage)".formatted(common, scoreDeep), iterations,
                            () -> store.queryPage(scorePage, deepScoreToken)),
                    new Shape("countListings model " + common + " (common)", iterations,
                            () -> store.countListings(ListingQuery.builder().model(common).build())),
                    new Shape("countListings model UNKNOWN (47% of rows)", slow,
                            () -> store.countListings(ListingQuery.builder().model("UNKNOWN").build())),
                    new Shape("countListings import %s (%,d rows)".formatted(importId, importRows),
                            daily ? iterations : slow,
                            () -> store.countListings(ListingQuery.builder().importId(importId).build())),
                    new Shape("history of one listing (%d sighting(s))".formatted(sightings), iterations,
                            () -> store.history(tracked.sourceUrl(), tracked.canonicalModel())),
                    new Shape("diff %s → %s (%,d rows each), up to 100 entries per kind".formatted(previous,
                            importId, importRows), daily ? iterations : 1, daily ? 20 : 0,
                            () -> store.diff(previous, importId, 100)),
                    new Shape("modelStats, all listings (every model, true median)", stats, 2,
                            () -> store.modelStats(ListingQuery.all())),
                    new Shape("modelStats, import %s (%,d rows)".formatted(importId, importRows),
                            daily ? iterations : 3, daily ? 20 : 0,
                            () -> store.modelStats(ListingQuery.builder().importId(importId).build()))));
            // The market shapes of issue 10, as MarketBench times them on SQLite.
            for (MarketBench.Shape market : MarketBench.shapes(store)) {
                shapes.add(new Shape("market: " + market.name(), market.name().startsWith("count")
                        || market.name().contains("pages 1-5") || market.name().contains("PRICE_ASC")
                        ? slow : iterations, market.call()));
            }
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
            Map<Shape, Object> results = new LinkedHashMap<>();
            shapes.forEach(s -> samples.put(s, new long[s.iterations()]));
            long gcBefore = Bench.gcMillis();
            int max = shapes.stream().mapToInt(Shape::iterations).max().orElse(0);
            for (int i = 0; i < max; i++) {
                for (Shape shape : shapes) {
                    if (i < shape.iterations()) {
                        long t = System.nanoTime();
                        Object r = shape.call().get();
                        samples.get(shape)[i] = System.nanoTime() - t;
                        if (r == null) {
                            throw new IllegalStateException();
                        }
                        results.put(shape, r);
                    }
                }
            }
            line("");
            line("### PostgreSQL queries, %s: %,d rows, through the public API (records mapped), interleaved", daily
                    ? "%d daily imports of %,d listings".formatted(DAYS, total / DAYS) : "one import", total);
            line("");
            line("A HikariCP pool of 2 connections; every call is its own transaction (REPEATABLE READ READ ONLY, "
                    + "the store's settings, the statement(s), commit), wall-clock time in this JVM, warm-up first, "
                    + "then the shapes round-robin. After VACUUM (ANALYZE). %d ms of GC pauses in this JVM during the "
                    + "measured loop.", Bench.gcMillis() - gcBefore);
            line("");
            line("| query | returned | p50 ms | p99 ms | runs |");
            line("|---|---:|---:|---:|---:|");
            for (Shape shape : shapes) {
                long[] s = samples.get(shape);
                Arrays.sort(s);
                line("| %s | %s | %.3f | %.3f | %d |", shape.name(), describe(results.get(shape)),
                        Bench.percentile(s, 50) / 1e6, Bench.percentile(s, 99) / 1e6, s.length);
            }
            long t = System.nanoTime();
            Object market = store.modelStats(ListingQuery.builder().current().distinctOffers().inStock().build());
            line("| market: modelStats current, one row per offer, in stock (once) | %s | %.1f | | 1 |",
                    describe(market), (System.nanoTime() - t) / 1e6);
            line("");
            line("Streaming export of every row into a sink that touches each listing (streamListings, "
                    + "pages of 10,000; wall and this JVM's CPU):");
            line("");
            line("| export | rows | wall | | client CPU | runs |");
            line("|---|---:|---:|---:|---:|---:|");
            for (Order order : List.of(Order.IMPORT_ORDER, Order.SCORE_DESC)) {
                line("%s", MarketBench.exportRow(store, order, total));
            }
        }
    }

    private static String describe(Object result) {
        if (result instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof ModelStats) {
            return list.size() + " models";
        } else if (result instanceof List<?> list) {
            return String.valueOf(list.size());
        } else if (result instanceof ListingPage page) {
            return String.valueOf(page.listings().size());
        } else if (result instanceof ImportDiff diff) {
            return "%d added, %d removed, %d changed".formatted(diff.addedCount(), diff.removedCount(),
                    diff.changedCount());
        }
        return "count " + result;
    }

    // ---------------------------------------------------------------- server

    private String url(String db) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + db + "?user=postgres";
    }

    private Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(url(db));
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Creates a database from the template and checkpoints, so that no earlier write lands on the next load. */
    private void createDatabase(String db, String template) throws SQLException {
        admin("CREATE DATABASE " + db + " TEMPLATE " + template);
        admin("CHECKPOINT");
    }

    private long walLsn() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until no session is connected to {@code db}, so that its backend's CPU has been counted. */
    private void waitForBackends(String db) throws SQLException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Connection c = connect("postgres");
                    var s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
                s.setString(1, db);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
    }

    /**
     * Returns the CPU seconds the server has used: the postmaster's own and its exited children's (which it has
     * waited for), plus every live child's (backends, WAL writer, checkpointer, ...). NaN if /proc cannot tell.
     */
    private double serverCpu() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
            String[] stat = stat(postmaster);
            long ticks = Long.parseLong(stat[13]) + Long.parseLong(stat[14]) + Long.parseLong(stat[15])
                    + Long.parseLong(stat[16]);
            Path children = Path.of("/proc/" + postmaster + "/task/" + postmaster + "/children");
            for (String child : Files.readString(children).strip().split(" +")) {
                if (!child.isEmpty()) {
                    try {
                        String[] c = stat(Long.parseLong(child));
                        ticks += Long.parseLong(c[13]) + Long.parseLong(c[14]);
                    } catch (IOException e) {
                        // exited meanwhile: now in the postmaster's children's time, or about to be
                    }
                }
            }
            return ticks / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Returns the fields of /proc/PID/stat after the command name (field 3 is index 2, as in proc(5) minus 1). */
    private static String[] stat(long pid) throws IOException {
        String text = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String rest = text.substring(text.lastIndexOf(')') + 2);
        String[] fields = rest.split(" ");
        String[] all = new String[fields.length + 2];
        System.arraycopy(fields, 0, all, 2, fields.length);
        return all;
    }

    private String settings() throws SQLException {
        List<String> parts = new ArrayList<>();
        try (Connection c = connect("postgres");
                var s = c.prepareStatement("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", SETTINGS.toArray()));
            Map<String, String> values = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getString(1), rs.getString(2));
                }
            }
            for (String name : SETTINGS) {
                parts.add(name + "=" + values.get(name));
            }
        }
        return "PostgreSQL " + String.join(", ", parts) + "; listening on " + host + " only";
    }

    private void checkCount(String db, long expected) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM listings")) {
            rs.next();
            if (rs.getLong(1) != expected) {
                throw new IllegalStateException(db + " holds " + rs.getLong(1) + " listings, expected " + expected);
            }
        }
    }

    private static void exec(List<String> command, Duration timeout) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || text.contains("ERROR")) {
            throw new IllegalStateException("exit " + process.exitValue() + " from " + command + ":\n" + text);
        }
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        double[] v = samples.stream().mapToDouble(value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void line(String format, Object... args) {
        out.accept(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
    }
}
