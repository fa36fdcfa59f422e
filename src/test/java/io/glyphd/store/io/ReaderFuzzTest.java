package io.glyphd.store.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer of the readers over the real pipeline files (a slice of {@code wamatek_scored.csv},
 * {@code scored_sample.csv}, and both as the store's JSON): bytes flipped or inserted, cells cut, quotes unbalanced,
 * lines duplicated or dropped, the file truncated, re-encoded as UTF-16 or Latin-1, huge cells (up to 20M characters),
 * hostile numbers (up to a million digits, also as prices), deep JSON. Every input, imported into a real SQLite store,
 * either imports exactly (what is stored is what the reader read, it reads back equal after an export in either format,
 * and a duplicated data line is one more equal listing) or fails with a {@link ListingFormatException} whose every
 * problem names a line of the file and a column, a character column or a record, with a short message; a failed import
 * writes nothing. No other exception escapes, and each case stays within {@value #CASE_CPU_MILLIS} ms of CPU time and
 * {@value #CASE_ALLOCATION} bytes allocated; one that hangs is stopped after {@value #CASE_WALL_MILLIS} ms.
 *
 * <p>The seed is {@code System.nanoTime()} unless {@code -Dglyphd.fuzz.seed=N} replays a run; every failure names
 * its case, seed and mutations. {@code -Dglyphd.fuzz.cases=N} changes the number of cases (default
 * {@value #DEFAULT_CASES}).
 */
class ReaderFuzzTest {
    private static final int DEFAULT_CASES = 100;
    /** Data rows of wamatek_scored.csv the fuzzer starts from: enough for every kind of value, quick to import. */
    private static final int WAMATEK_ROWS = 150;
    /** CPU time one case may take: reading the file twice, importing it and reading it back. */
    private static final long CASE_CPU_MILLIS = 5_000;
    /** Wall time after which a case is stopped as hung (generous: the machine may be busy). */
    private static final long CASE_WALL_MILLIS = 60_000;
    /**
     * Bytes one case may allocate, a bound on the memory it holds at any time, whatever the size of the input: the
     * cases that import take up to about 12 MB, a cell cut at the 1M-character limit a few; a reader that kept a
     * cell of 8M to 20M characters would allocate more.
     */
    private static final long CASE_ALLOCATION = 32L << 20;
    private static final int MAX_ERROR_LENGTH = 2_000;

    @TempDir
    Path dir;

    /** One input to mutate: its bytes, whether it is JSON, and whether each of its data lines is one record. */
    private record Base(String name, byte[] bytes, boolean json, boolean lineRecords) {
    }

    @Test
    void everyMutatedPipelineFileImportsExactlyOrFailsNamingItsPlace() throws IOException {
        long seed = Long.getLong("glyphd.fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("glyphd.fuzz.cases", DEFAULT_CASES);
        List<Base> bases = bases();
        Random random = new Random(seed);
        int imported = 0;
        int refused = 0;
        try (ListingStore store = new SqliteListingStore(dir.resolve("fuzz.sqlite3"))) {
            store.insertListings(List.of(Listing.builder().canonicalModel("KEEP").price("1").score(0.5).build()),
                    "existing");
            for (int i = 0; i < cases; i++) {
                Base base = bases.get(random.nextInt(bases.size()));
                List<String> applied = new ArrayList<>();
                byte[] input = base.bytes();
                Integer duplicated = null;
                int mutations = 1 + random.nextInt(3);
                for (int m = 0; m < mutations; m++) {
                    int kind = random.nextInt(13);
                    if (kind == 3 && mutations == 1 && base.lineRecords()) {
                        duplicated = duplicatedLine(input, base.json(), random);
                        input = duplicateLine(input, duplicated);
                        applied.add("duplicate line " + (duplicated + 1));
                    } else {
                        input = mutate(input, base.json(), kind == 3 ? 0 : kind, random, applied);
                    }
                }
                String what = "case " + i + " of seed " + seed + " (-Dglyphd.fuzz.seed=" + seed + "): " + base.name()
                        + " with " + applied;
                Path file = dir.resolve("case-" + i + (base.json() ? ".json" : ".csv"));
                Files.write(file, input);
                Integer line = duplicated;
                long lines = lineCount(input);
                Outcome outcome;
                try {
                    // In a thread of its own, so that a case that hangs still ends the run, with its seed.
                    outcome = assertTimeoutPreemptively(Duration.ofMillis(CASE_WALL_MILLIS),
                            () -> measured(() -> importOne(store, file, base, line, lines, what)), what);
                } catch (Throwable e) {
                    // An OutOfMemoryError or StackOverflowError too: the seed must be printed whatever failed.
                    throw new AssertionError(what + ": " + e, e);
                }
                assertThat(outcome.cpuMillis()).as("CPU time in ms of " + what).isLessThan(CASE_CPU_MILLIS);
                assertThat(outcome.allocated()).as("bytes allocated by " + what)
                        .isLessThan(CASE_ALLOCATION);
                if (outcome.imported()) {
                    imported++;
                } else {
                    refused++;
                }
                Files.delete(file);
            }
            assertThat(store.countListings(ListingQuery.all())).as("seed " + seed).isOne();
        }
        // A run where every case imports, or none does, fuzzes nothing useful.
        assertThat(imported).as("imported cases of seed " + seed).isPositive();
        assertThat(refused).as("refused cases of seed " + seed).isPositive();
    }

    /** What one case did, and the CPU time and bytes its thread took. */
    private record Outcome(boolean imported, long cpuMillis, long allocated) {
    }

    private static Outcome measured(java.util.function.BooleanSupplier run) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)
                ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long cpu = threads.getCurrentThreadCpuTime();
        long allocated = threads.getThreadAllocatedBytes(id);
        boolean imported = run.getAsBoolean();
        return new Outcome(imported, (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000,
                threads.getThreadAllocatedBytes(id) - allocated);
    }

    /** Imports a file; returns true if it imported (and checked exactly), false if refused as it must be. */
    private static boolean importOne(ListingStore store, Path file, Base base, Integer duplicated, long lines,
            String what) {
        try {
            List<Listing> read;
            try (ListingReader reader = ListingReader.open(file)) {
                read = new ArrayList<>();
                reader.forEachRemaining(read::add);
            }
            try (ListingReader reader = ListingReader.open(file)) {
                store.importListings(reader, ImportRequest.of("fuzz"));
            }
            List<Listing> stored = TestFiles.withoutProvenance(TestFiles.queryAll(store, "fuzz"));
            assertThat(stored).as("stored listings of " + what).isEqualTo(TestFiles.withoutProvenance(read));
            // Exported in either format, the store's listings read back equal: no value became text, Infinity or 0.
            for (ListingFormat format : ListingFormat.values()) {
                StringWriter out = new StringWriter();
                try (ListingWriter writer = ListingWriter.open(out, format)) {
                    TestFiles.queryAll(store, "fuzz").forEach(writer::write);
                }
                List<Listing> again = new ArrayList<>();
                try (ListingReader reader = ListingReader.open(new StringReader(out.toString()), format, "export")) {
                    reader.forEachRemaining(again::add);
                }
                assertThat(TestFiles.withoutProvenance(again)).as(format + " export of " + what).isEqualTo(stored);
            }
            if (duplicated != null) {
                List<Listing> original = TestFiles.withoutProvenance(readBytes(base));
                int record = duplicated; // CSV: line 0 is the header; JSON lines: line 0 is "["
                List<Listing> expected = new ArrayList<>(original);
                expected.add(record, original.get(record - 1));
                assertThat(stored).as("duplicated line of " + what).isEqualTo(expected);
            }
            assertThat(store.deleteImport("fuzz")).isTrue();
            return true;
        } catch (ListingFormatException e) {
            assertThat(e.errors()).as("errors of " + what).isNotEmpty().allSatisfy(error -> {
                assertThat(error.line()).as(error.toString()).isBetween(1L, lines + 1);
                boolean placed = error.column() != null || error.character() > 0 || error.record() > 0
                        || error.line() == 1;
                assertThat(placed).as("place of " + error).isTrue();
                String text = error.toString();
                assertThat(text).as("length of " + text.substring(0, Math.min(80, text.length())))
                        .hasSizeLessThan(MAX_ERROR_LENGTH);
            });
            assertThat(store.findImport("fuzz")).as("import after " + what).isEmpty();
            return false;
        } catch (IllegalArgumentException e) {
            // The store's own rule, not the reader's: an import needs a listing (a file cut to its header).
            assertThat(e.getMessage()).as(what).contains("0 listings");
            assertThat(store.findImport("fuzz")).isEmpty();
            return false;
        }
    }

    private static List<Listing> readBytes(Base base) {
        try (ListingReader reader = ListingReader.open(new java.io.ByteArrayInputStream(base.bytes()),
                base.json() ? ListingFormat.JSON : ListingFormat.CSV, base.name())) {
            List<Listing> listings = new ArrayList<>();
            reader.forEachRemaining(listings::add);
            return listings;
        }
    }

    private List<Base> bases() throws IOException {
        byte[] wamatek;
        try (InputStream in = ReaderFuzzTest.class.getResourceAsStream("/data/" + TestFiles.WAMATEK)) {
            wamatek = in.readAllBytes();
        }
        byte[] slice = firstLines(wamatek, WAMATEK_ROWS + 1);
        // A non-ASCII title, so that re-encoding as Latin-1 changes bytes.
        String text = new String(slice, StandardCharsets.UTF_8);
        int title = text.indexOf("\r\n") + 2;
        text = text.substring(0, title) + text.substring(title).replaceFirst("GPU", "GPU café €");
        slice = text.getBytes(StandardCharsets.UTF_8);
        byte[] sample;
        try (InputStream in = ReaderFuzzTest.class.getResourceAsStream("/data/" + TestFiles.SCORED_SAMPLE)) {
            sample = in.readAllBytes();
        }
        List<Base> bases = new ArrayList<>();
        bases.add(new Base("wamatek slice", slice, false, true));
        bases.add(new Base("scored_sample.csv", sample, false, true));
        for (Base csv : List.copyOf(bases)) {
            List<Listing> listings = readBytes(csv);
            StringWriter out = new StringWriter();
            try (ListingWriter writer = ListingWriter.open(out, ListingFormat.JSON)) {
                listings.forEach(writer::write);
            }
            bases.add(new Base(csv.name() + " as the store's JSON", out.toString().getBytes(StandardCharsets.UTF_8),
                    true, false));
            // One record per line, as JSON Lines in an array, so that a duplicated line is a duplicated record.
            StringBuilder lines = new StringBuilder("[\n");
            for (int i = 0; i < listings.size(); i++) {
                lines.append(JsonCodec.mapper().writeValueAsString(listings.get(i)))
                        .append(i + 1 < listings.size() ? ",\n" : "\n");
            }
            bases.add(new Base(csv.name() + " as JSON lines", lines.append("]\n").toString()
                    .getBytes(StandardCharsets.UTF_8), true, true));
        }
        return bases;
    }

    private static byte[] firstLines(byte[] bytes, int lines) {
        int seen = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && ++seen == lines) {
                return java.util.Arrays.copyOf(bytes, i + 1);
            }
        }
        return bytes;
    }

    private static long lineCount(byte[] bytes) {
        long lines = 1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n')) {
                lines++;
            }
        }
        // UTF-16 text has a line feed per two bytes at most; its problems are found on line 1 anyway.
        return lines;
    }

    /** Returns a random data line (0-based, never the CSV header or a JSON bracket line) to duplicate. */
    private static int duplicatedLine(byte[] bytes, boolean json, Random random) {
        int lines = lineStarts(bytes).size() - 1; // the last start is the end of the file
        // CSV: lines 1..n-1 are rows; JSON: line 0 is "[", then records ending in "," but the last, then "]".
        return 1 + random.nextInt(json ? lines - 3 : lines - 1);
    }

    private static byte[] duplicateLine(byte[] bytes, int line) {
        List<Integer> starts = lineStarts(bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, starts.get(line + 1));
        out.write(bytes, starts.get(line), starts.get(line + 1) - starts.get(line));
        out.write(bytes, starts.get(line + 1), bytes.length - starts.get(line + 1));
        return out.toByteArray();
    }

    private static List<Integer> lineStarts(byte[] bytes) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                starts.add(i + 1);
            }
        }
        if (starts.get(starts.size() - 1) != bytes.length) {
            starts.add(bytes.length);
        }
        return starts;
    }

    private static byte[] mutate(byte[] bytes, boolean json, int kind, Random random, List<String> applied) {
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
        switch (kind) {
            case 0 -> {
                byte[] copy = bytes.clone();
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips && copy.length > 0; i++) {
                    int position = random.nextInt(copy.length);
                    copy[position] = (byte) random.nextInt(256);
                    applied.add("byte " + position + " set");
                }
                return copy;
            }
            case 1 -> {
                int end = Math.min(bytes.length, at + 1 + random.nextInt(60));
                applied.add("bytes " + at + ".." + end + " cut");
                return splice(bytes, at, end, new byte[0]);
            }
            case 2 -> {
                applied.add("quote inserted at " + at);
                return splice(bytes, at, at, new byte[] {'"'});
            }
            case 4 -> {
                applied.add("truncated at " + at);
                return java.util.Arrays.copyOf(bytes, at);
            }
            case 5 -> {
                String text = new String(bytes, StandardCharsets.UTF_8);
                boolean utf16 = random.nextBoolean();
                applied.add(utf16 ? "as UTF-16" : "as Latin-1");
                return text.getBytes(utf16 ? (random.nextBoolean() ? StandardCharsets.UTF_16
                        : StandardCharsets.UTF_16LE) : StandardCharsets.ISO_8859_1);
            }
            case 6 -> {
                int length = switch (random.nextInt(4)) {
                    case 0 -> Listing.MAX_TEXT_LENGTH - 5 + random.nextInt(10);
                    case 1 -> 8_000_000 + random.nextInt(12_000_000); // far beyond the limit: memory must not grow
                    default -> ListingReader.MAX_CELL_LENGTH + 1 + random.nextInt(100_000);
                };
                int position = cellStart(bytes, at);
                applied.add(length + " characters inserted at " + position);
                return splice(bytes, position, position, "h".repeat(length).getBytes(StandardCharsets.US_ASCII));
            }
            case 7 -> {
                int depth = 1 + random.nextInt(150);
                String deep = "[".repeat(depth) + "1" + "]".repeat(depth);
                String value = json ? deep : "\"{\"\"d\"\": " + deep.replace("\"", "\"\"") + "}\"";
                int position = cellStart(bytes, at);
                applied.add("depth " + depth + " at " + position);
                return splice(bytes, position, position, value.getBytes(StandardCharsets.US_ASCII));
            }
            case 8 -> {
                String[] hostile = {"1e99999999", "9".repeat(1 + random.nextInt(1_000_000)), "-0.0", "1e400",
                    "1e-400", "NaN", "0x1p3", "1" + "0".repeat(12) + ".0000001", "\u0000", "\"\"\""};
                String value = hostile[random.nextInt(hostile.length)];
                int position = cellStart(bytes, at);
                applied.add("'" + value.substring(0, Math.min(12, value.length())) + "' at " + position);
                return splice(bytes, position, position, value.getBytes(StandardCharsets.UTF_8));
            }
            case 9 -> {
                byte[] noise = {0, (byte) 0xFF, (byte) 0xC3, '\r', '\n', ',', '{', '}', '[', ']', ':', 0x1B};
                applied.add("noise at " + at);
                return splice(bytes, at, at, new byte[] {noise[random.nextInt(noise.length)]});
            }
            case 12 -> {
                // A price replaced by a hostile number, so that the number bounds are met where they matter.
                String[] hostile = {"9".repeat(1 + random.nextInt(1_000_000)), "1e99999999", "1e-99999999", "-0.0",
                    "0." + "0".repeat(random.nextInt(200_000)) + "1", "1" + "0".repeat(15) + ".5"};
                String value = hostile[random.nextInt(hostile.length)];
                int[] cell = priceCell(bytes, json, random);
                if (cell == null) {
                    return bytes;
                }
                applied.add("price at " + cell[0] + " set to '" + value.substring(0, Math.min(12, value.length()))
                        + "' (" + value.length() + " characters)");
                return splice(bytes, cell[0], cell[1], value.getBytes(StandardCharsets.US_ASCII));
            }
            case 10 -> {
                // Drop a whole line.
                List<Integer> starts = lineStarts(bytes);
                if (starts.size() < 2) {
                    return bytes;
                }
                int line = random.nextInt(starts.size() - 1);
                applied.add("line " + (line + 1) + " dropped");
                return splice(bytes, starts.get(line), starts.get(line + 1), new byte[0]);
            }
            default -> {
                // A cell cut short: from a separator to the next.
                int start = cellStart(bytes, at);
                int end = start;
                while (end < bytes.length && bytes[end] != ',' && bytes[end] != '\n') {
                    end++;
                }
                applied.add("cell at " + start + " emptied");
                return splice(bytes, start, end, new byte[0]);
            }
        }
    }

    /**
     * Returns the start and end of the price of a random record: in CSV, the cell under the header's
     * {@code price} (quotes followed); in JSON, the value after a {@code "price":}. Null if there is none.
     */
    private static int[] priceCell(byte[] bytes, boolean json, Random random) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte: indexes are offsets
        if (json) {
            List<Integer> names = new ArrayList<>();
            for (int i = text.indexOf("\"price\":"); i >= 0; i = text.indexOf("\"price\":", i + 1)) {
                names.add(i + "\"price\":".length());
            }
            if (names.isEmpty()) {
                return null;
            }
            int start = names.get(random.nextInt(names.size()));
            int end = start;
            while (end < text.length() && ",}\n".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            return new int[] {start, end};
        }
        List<Integer> starts = lineStarts(bytes);
        int headerEnd = text.indexOf('\n');
        if (headerEnd < 0 || starts.size() < 3) {
            return null;
        }
        int column = List.of(text.substring(0, headerEnd).strip().split(",", -1)).indexOf("price");
        if (column < 0) {
            return null;
        }
        int lineStart = starts.get(1 + random.nextInt(starts.size() - 2));
        int index = 0;
        boolean quoted = false;
        int start = lineStart;
        for (int i = lineStart; i < text.length() && (quoted || text.charAt(i) != '\n'); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                if (index == column) {
                    return new int[] {start, i};
                }
                index++;
                start = i + 1;
            }
        }
        return null;
    }

    /** Returns the position just after the separator at or before {@code at}: where a cell or value starts. */
    private static int cellStart(byte[] bytes, int at) {
        int i = Math.min(at, bytes.length);
        while (i > 0 && bytes[i - 1] != ',' && bytes[i - 1] != ':' && bytes[i - 1] != '\n') {
            i--;
        }
        return i;
    }

    private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + insert.length);
        out.write(bytes, 0, from);
        out.write(insert, 0, insert.length);
        out.write(bytes, to, bytes.length - to);
        return out.toByteArray();
    }

}
