package io.glyphd.store.bench;

import io.glyphd.store.Listing;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingWriter;
import java.io.IOException;
import java.io.Writer;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 12's side-by-side import run: the C anchor ({@code bench/c/anchor.c}, SqliteImporter's work in C on the same
 * SQLite, from values parsed before its clock starts), the library's API with the listings already built in memory
 * (warm JVM) and the command line importing the CSV ({@code glyphd-store import}, a fresh JVM with -Xmx256m), round
 * by round in alternating order on fresh copies of the same starting file. Each tool's import window is
 * the same: from the import's first statement to its commit (for glyphd: ImportWriter's own duration); the phases
 * (rows, index rebuild, commit) come from the C program's clock and from the library's DEBUG log lines, whose
 * millisecond times logback prints ({@code anchor-logback.xml}). Every store is checked to hold the same rows.
 */
final class AnchorBench {
    /**
     * {@code PRAGMA threads} for SQLite's sorter in the C anchor: the value SqliteImporter sets for its index rebuild
     * (the same formula, as that constant is not visible here), so that C does what Java does.
     */
    static final int SORTER_THREADS = 0;

    private static final Pattern ROWS_WRITTEN = Pattern.compile("^PHASE (\\d+) .*: (\\d+) rows written; rebuilding",
            Pattern.MULTILINE);
    private static final Pattern REBUILT = Pattern.compile("^PHASE (\\d+) .*: rebuilt index \\S+ in \\d+ ms",
            Pattern.MULTILINE);
    private static final Pattern IMPORTED = Pattern.compile("^PHASE (\\d+) ImportWriter: Imported (\\d+) listings .* in"
            + " (\\d+) ms", Pattern.MULTILINE);

    private final Path work;
    private final int rows;
    private final int addRows;
    private final int runs;
    private final int warmup;
    private final Consumer<String> out;
    private final Path anchor;
    private final Path schemaDir;
    private final Map<String, String> variants;

    /** One tool's import: window and phases in seconds; close, process wall time and CPU where measured (else NaN). */
    private record Phases(double total, double rows, double rebuild, double commit, double windowCpu, double close,
            double process, double cpu, long peakRssKb) {
    }

    AnchorBench(Path work, int rows, int addRows, int runs, int warmup, Map<String, String> variants,
            Consumer<String> out) {
        this.variants = variants;
        this.work = work;
        this.rows = rows;
        this.addRows = addRows;
        this.runs = runs;
        this.warmup = warmup;
        this.out = out;
        this.anchor = Path.of(System.getProperty("glyphd.anchor", "bench/target/c/glyphd-anchor")).toAbsolutePath();
        this.schemaDir = Path.of(System.getProperty("glyphd.schema.dir", "src/main/resources/io/glyphd/store/sqlite"))
                .toAbsolutePath();
    }

    /** The query floor ({@code bench/c/floor.c}), which {@code bench/c/build.sh} builds next to the anchor. */
    static Path floorBinary() {
        Path anchor = Path.of(System.getProperty("glyphd.anchor", "bench/target/c/glyphd-anchor")).toAbsolutePath();
        Path floor = anchor.resolveSibling("glyphd-floor");
        if (!Files.isExecutable(floor)) {
            throw new IllegalStateException("no C query floor at " + floor + ": bench/run.sh builds it"
                    + " (bench/c/build.sh)");
        }
        return floor;
    }

    void run(Path empty, Path baseCsv, Path addCsv) throws Exception {
        if (!Files.isExecutable(anchor)) {
            throw new IllegalStateException("no C anchor at " + anchor + ": bench/run.sh builds it (bench/c/build.sh)");
        }
        Path baseStore = work.resolve("anchor-base.csv");
        Path addStore = work.resolve("anchor-add.csv");
        writeStoreCsv(baseStore, Bench.SEED_BASE, rows, 1);
        writeStoreCsv(addStore, Bench.SEED_ADD, addRows, rows + 1L);
        out.accept("");
        out.accept("## Import speed against C (issue 12)");
        out.accept("");
        out.accept(("C: bench/c/anchor.c on SQLite 3.54.1 (gcc -O2), values parsed before its clock starts. API: "
                + "importListings with the listings built in memory first, warm JVM (%,d rows imported first), -Xmx3g "
                + "to hold them. CLI: `glyphd-store import` of the CSV in a fresh JVM with -Xmx256m. PRAGMA threads = "
                + "%d for all three. Window: first statement of the import to its commit; close (WAL checkpoint) apart."
                + " Load average before: %s.").formatted(warmup, SORTER_THREADS, loadAverage()));
        Path full = work.resolve("anchor-full.sqlite3");
        runCase("%,d into an empty store".formatted(rows), empty, baseCsv, baseStore, Bench.SEED_BASE, rows, 1,
                "base", rows, full, true);
        runCase("%,d into a %,d-row store".formatted(addRows, rows), full, addCsv, addStore, Bench.SEED_ADD, addRows,
                rows + 1L, "add", rows + addRows, null, false);
        out.accept("");
        out.accept("Load average after: " + loadAverage() + ".");
    }

    private void runCase(String label, Path start, Path tableCsv, Path storeCsv, long seed, int count, long firstId,
            String importId, long expectedRows, Path keep, boolean freshForC) throws Exception {
        List<String> tools = new ArrayList<>(List.of("C", "API", "CLI"));
        for (String variant : variants.keySet()) {
            tools.add("API " + variant);
            tools.add("CLI " + variant);
        }
        Map<String, List<Phases>> samples = new LinkedHashMap<>();
        Path target = work.resolve("anchor.sqlite3");
        String checksum = null;
        List<String> roundLines = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            List<String> order = new ArrayList<>(tools);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String tool : order) {
                if (tool.equals("C") && freshForC) {
                    deleteDb(target); // the C program creates the schema itself
                } else {
                    copy(start, target);
                }
                String variant = tool.contains(" ") ? variants.get(tool.substring(tool.indexOf(' ') + 1)) : null;
                Phases p = tool.equals("C") ? runC(target, tableCsv, importId)
                        : tool.startsWith("API") ? runApi(variant, target, seed, count, firstId, importId)
                        : runCli(variant, target, storeCsv, importId);
                String sum = checksum(target, expectedRows);
                if (checksum == null) {
                    checksum = sum;
                } else if (!checksum.equals(sum)) {
                    throw new IllegalStateException(tool + " stored other rows than the tool before it: " + sum
                            + " against " + checksum);
                }
                if (keep != null && tool.equals("API") && !Files.exists(keep)) {
                    copy(target, keep);
                }
                samples.computeIfAbsent(tool, k -> new ArrayList<>()).add(p);
                System.err.printf("anchor %s, round %d, %s: %.0f rows/s%n", label, r + 1, tool, count / p.total());
            }
            int round = r;
            Phases c = samples.get("C").get(r);
            StringBuilder line = new StringBuilder("| %d | %s |".formatted(r + 1, String.join(", ", order)));
            tools.forEach(t -> line.append(" %,.0f |".formatted(count / samples.get(t).get(round).total())));
            tools.stream().skip(1).forEach(t -> line.append(" %.2f× |".formatted(
                    c.total() / samples.get(t).get(round).total())));
            roundLines.add(line.toString());
        }
        deleteDb(target);
        out.accept("");
        out.accept("### " + label + ", " + runs + " round(s)");
        out.accept("");
        StringBuilder header = new StringBuilder("| round | order |");
        StringBuilder rule = new StringBuilder("|---:|---|");
        tools.forEach(t -> {
            header.append(" ").append(t).append(" rows/s |");
            rule.append("---:|");
        });
        tools.stream().skip(1).forEach(t -> {
            header.append(" ").append(t).append(" / C |");
            rule.append("---:|");
        });
        out.accept(header.toString());
        out.accept(rule.toString());
        roundLines.forEach(out);
        StringBuilder median = new StringBuilder("| median | |");
        tools.forEach(t -> median.append(" %,.0f |".formatted(count / median(samples.get(t), Phases::total))));
        for (String t : tools.subList(1, tools.size())) {
            double[] ratios = new double[runs];
            for (int r = 0; r < runs; r++) {
                ratios[r] = samples.get("C").get(r).total() / samples.get(t).get(r).total();
            }
            median.append(" %.2f× |".formatted(median(ratios)));
        }
        out.accept(median.toString());
        out.accept("");
        out.accept("Phases, seconds, each round. window = rows + index rebuild + commit; window CPU = the process's CPU"
                + " time in the window (all threads: JIT and GC included), for C and API; CLI's CPU is its whole"
                + " process (JVM start and everything). close (WAL checkpoint) and process are outside the window.");
        out.accept("");
        out.accept("| tool | round | window | rows | index rebuild | commit | window CPU | close | process | CPU |"
                + " peak RSS |");
        out.accept("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String tool : tools) {
            List<Phases> list = samples.get(tool);
            for (int r = 0; r < list.size(); r++) {
                Phases p = list.get(r);
                out.accept("| %s | %d | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s |".formatted(tool, r + 1,
                        p.total(), p.rows(), p.rebuild(), p.commit(), seconds(p.windowCpu()), seconds(p.close()),
                        seconds(p.process()), seconds(p.cpu()), p.peakRssKb() > 0 ? (p.peakRssKb() >> 10) + " MB"
                                : ""));
            }
        }
        StringBuilder cpu = new StringBuilder("Median window CPU: ");
        for (String t : tools) {
            double v = median(samples.get(t), Phases::windowCpu);
            if (!Double.isNaN(v)) {
                cpu.append(t).append(" %.2f s; ".formatted(v));
            }
        }
        out.accept("");
        out.accept(cpu.toString().strip());
    }

    private Phases runC(Path db, Path csv, String importId) throws Exception {
        Path time = work.resolve("anchor-time.txt");
        long start = System.nanoTime();
        String text = exec(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", time.toString(), anchor.toString(),
                db.toString(), csv.toString(), schemaDir.toString(), importId, String.valueOf(SORTER_THREADS)));
        double process = (System.nanoTime() - start) / 1e9;
        String[] r = resultLine(text);
        String[] usage = lastLine(Files.readString(time)).split(" ");
        return new Phases(nanos(r[2]), nanos(r[3]), nanos(r[4]), nanos(r[5]), nanos(r[7]), nanos(r[6]), process,
                Double.parseDouble(usage[1]) + Double.parseDouble(usage[2]), Long.parseLong(usage[0]));
    }

    private Phases runApi(String variant, Path db, long seed, int count, long firstId, String importId)
            throws Exception {
        long start = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(Bench.javaBinary(), "-Xmx3g"));
        command.addAll(nativeLibrary(variant));
        command.addAll(List.of("-Dlogback.configurationFile=anchor-logback.xml", "-cp", classpath(variant),
                AnchorApiChild.class.getName(), db.toString(), String.valueOf(seed), String.valueOf(count),
                String.valueOf(firstId), importId, String.valueOf(warmup)));
        String text = exec(command);
        double process = (System.nanoTime() - start) / 1e9;
        text.lines().filter(l -> l.startsWith("THREADS")).forEach(System.err::println); // where the window's CPU went
        String[] r = resultLine(text);
        Phases logged = phases(text, count);
        return new Phases(logged.total(), logged.rows(), logged.rebuild(), logged.commit(), nanos(r[6]), nanos(r[3]),
                process, nanos(r[5]), Long.parseLong(r[4]));
    }

    private Phases runCli(String variant, Path db, Path csv, String importId) throws Exception {
        Path time = work.resolve("anchor-time.txt");
        long start = System.nanoTime();
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", time.toString(),
                Bench.javaBinary(), "-Xmx256m"));
        command.addAll(nativeLibrary(variant));
        // The command line binds SLF4J to its own console logger unless a provider is named: logback, for the
        // timestamps the phases are read from.
        command.addAll(List.of("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider",
                "-Dlogback.configurationFile=anchor-logback.xml", "-cp", classpath(variant), "io.glyphd.store.cli.Main",
                "import", "--db", db.toString(), "--import-id", importId, "-vv", csv.toString()));
        String text = exec(command);
        double process = (System.nanoTime() - start) / 1e9;
        String[] usage = lastLine(Files.readString(time)).split(" ");
        Phases logged = phases(text, -1);
        return new Phases(logged.total(), logged.rows(), logged.rebuild(), logged.commit(), Double.NaN, Double.NaN,
                process, Double.parseDouble(usage[1]) + Double.parseDouble(usage[2]), Long.parseLong(usage[0]));
    }

    /**
     * The benchmark's class path, behind a variant's jar (another build of the library) if given. A variant that
     * names a {@code .so} file is another build of sqlite-jdbc's native library instead ({@link #nativeLibrary}).
     */
    private static String classpath(String variant) {
        return (variant == null || variant.endsWith(".so") ? "" : variant + java.io.File.pathSeparator)
                + System.getProperty("java.class.path");
    }

    /** For a variant that names a native library: the options that make sqlite-jdbc load it instead of its own. */
    private static List<String> nativeLibrary(String variant) {
        if (variant == null || !variant.endsWith(".so")) {
            return List.of();
        }
        Path library = Path.of(variant).toAbsolutePath();
        return List.of("-Dorg.sqlite.lib.path=" + library.getParent(), "-Dorg.sqlite.lib.name=" + library.getFileName());
    }

    /**
     * Reads the phases of the last import in the library's log (a warm-up import logs the same lines before it):
     * rows until "rows written", the index rebuilds, then the commit.
     */
    private static Phases phases(String log, long expectedRows) {
        MatchResult imported = last(IMPORTED.matcher(log));
        MatchResult written = last(ROWS_WRITTEN.matcher(log));
        if (imported == null || written == null) {
            throw new IllegalStateException("no phase lines in the import's log:\n" + log);
        }
        long end = Long.parseLong(imported.group(1));
        long total = Long.parseLong(imported.group(3));
        long rowsDone = Long.parseLong(written.group(1));
        long rebuilt = rowsDone;
        for (Matcher m = REBUILT.matcher(log); m.find(); ) {
            long at = Long.parseLong(m.group(1));
            if (at >= rowsDone && at <= end) {
                rebuilt = Math.max(rebuilt, at);
            }
        }
        if (expectedRows >= 0 && Long.parseLong(imported.group(2)) != expectedRows) {
            throw new IllegalStateException("imported " + imported.group(2) + " rows, expected " + expectedRows);
        }
        long begin = end - total;
        return new Phases(total / 1e3, (rowsDone - begin) / 1e3, (rebuilt - rowsDone) / 1e3, (end - rebuilt) / 1e3,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }

    private static MatchResult last(Matcher m) {
        MatchResult found = null;
        while (m.find()) {
            found = m.toMatchResult();
        }
        return found;
    }

    /** The same listings as the table-order CSV, in the store's own CSV format: what the command line reads. */
    private static void writeStoreCsv(Path file, long seed, int count, long firstId) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                ListingWriter csv = ListingWriter.open(writer, ListingFormat.CSV)) {
            for (Iterator<Listing> it = ListingGenerator.listings(seed, count, firstId); it.hasNext(); ) {
                csv.write(it.next());
            }
        }
    }

    /** What the rows hold, summed column by column: equal for two stores of the same listings. */
    private static String checksum(Path db, long expectedRows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT count(*), sum(import_index), sum(price_micros), total(score), sum(vram_gb), sum(nvlink),
                            sum(length(title)), sum(length(source_url)), sum(seen_at / 1000000) + sum(seen_at % 1000000), count(warnings),
                            sum(length(heuristics)), total(match_score), sum(length(condition) + length(region)),
                            (SELECT count(*) FROM sqlite_schema WHERE type = 'index')
                        FROM listings""")) {
            rs.next();
            if (rs.getLong(1) != expectedRows) {
                throw new IllegalStateException(db + " holds " + rs.getLong(1) + " listings, expected "
                        + expectedRows);
            }
            StringBuilder sum = new StringBuilder();
            for (int i = 1; i <= 14; i++) {
                sum.append(i > 1 ? " " : "").append(rs.getString(i));
            }
            return sum.toString();
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + " from " + command + ":\n" + text);
        }
        return text;
    }

    private static String[] resultLine(String text) {
        return text.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no RESULT line in:\n" + text)).split(" ");
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static double nanos(String value) {
        return Long.parseLong(value) / 1e9;
    }

    private static String seconds(double value) {
        return Double.isNaN(value) ? "" : "%.2f".formatted(value);
    }

    private static double median(List<Phases> list, java.util.function.ToDoubleFunction<Phases> f) {
        return median(list.stream().mapToDouble(f).toArray());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void copy(Path from, Path to) throws IOException {
        deleteDb(to);
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(to, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteDb(Path db) throws IOException {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }
}
