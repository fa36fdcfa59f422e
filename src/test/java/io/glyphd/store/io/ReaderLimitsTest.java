package io.glyphd.store.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers' bounds: numbers are refused before they are parsed, every value has a size limit, invalid UTF-8 is
 * reported where it is, a JSON field given twice is refused, and heuristics numbers read back exactly or are refused.
 * Each bad input fails with a {@link ListingFormatException} that names its place and writes nothing.
 */
class ReaderLimitsTest {
    private static final String HEADER = "canonical_model,price,score,shipping\n";

    @TempDir
    Path dir;
    ListingStore store;

    @BeforeEach
    void open() {
        store = new SqliteListingStore(dir.resolve("listings.sqlite3"));
        store.insertListings(List.of(Listing.builder().canonicalModel("KEEP").price("1").score(0.5).build()),
                "existing");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ListingFormatException importFailing(String name, byte[] content) throws IOException {
        Path file = Files.write(dir.resolve(name), content);
        ListingFormatException e = catchThrowableOfType(ListingFormatException.class, () -> {
            try (ListingReader reader = ListingReader.open(file)) {
                store.importListings(reader, ImportRequest.of("bad"));
            }
        });
        assertThat(e).as("import of " + name).isNotNull();
        assertThat(store.findImport("bad")).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isOne();
        assertThat(e.getMessage()).as("message length").hasSizeLessThan(2_000);
        return e;
    }

    private ListingFormatException importFailing(String name, String content) throws IOException {
        return importFailing(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(10)
    void aMillionDigitPriceIsRefusedAtOnceWithAShortMessage() throws IOException {
        String digits = "9".repeat(1_000_000);
        ListingFormatException e = importFailing("digits.csv", HEADER + "A,1,0.5,\nA," + digits + ",0.5,\n"
                + "A,1," + digits + ",\n");

        assertThat(e.errors()).extracting(RowError::toString).containsExactly(
                "line 3 (record 2), column price: number too long: '" + "9".repeat(40) + "...' has 1000000"
                        + " characters; at most 40",
                "line 4 (record 3), column score: number too long: '" + "9".repeat(40) + "...' has 1000000"
                        + " characters; at most 40");
    }

    @Test
    void exponentsBeyondWhatAColumnHoldsAreRefusedWithShortMessages() throws IOException {
        ListingFormatException e = importFailing("exponents.csv", HEADER + "A,1e9999,0.5,\nA,1e-9999,0.5,\n"
                + "A,1e99999,0.5,\nA,1,1e400,\n");

        assertThat(e.errors()).extracting(RowError::reason).containsExactly(
                "price must be at most 1000000000000 for A, was 1E+9999",
                "price must have at most 6 decimal places for A, was 1E-9999",
                "not a number: '1e99999'",
                "number out of range: '1e400'");
    }

    @Test
    void aLongNumberInQuantityIsAnErrorNotAvailabilityText() throws IOException {
        ListingFormatException e = importFailing("qty.csv", "canonical_model,price,score,quantity\n"
                + "A,1,0.5," + "1".repeat(41) + "\n");

        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.column()).isEqualTo("quantity");
            assertThat(error.reason()).startsWith("number too long: '1111");
        });
    }

    @Test
    void invalidUtf8IsReportedAtItsTrueLineAndCharacter() throws IOException {
        ByteArrayOutputStream early = new ByteArrayOutputStream();
        early.writeBytes((HEADER + "A,1,0.5,\nCaf").getBytes(StandardCharsets.UTF_8));
        early.write(0xE9);
        early.writeBytes(",1,0.5,\n".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream late = new ByteArrayOutputStream();
        late.writeBytes(HEADER.getBytes(StandardCharsets.UTF_8));
        for (int line = 2; line < 5_000; line++) {
            // Multi-byte characters before the bad byte: the column counts characters, not bytes.
            late.writeBytes(("A" + line + ",1,0.5,é€\n").getBytes(StandardCharsets.UTF_8));
        }
        late.writeBytes("A,1,0.5,é€".getBytes(StandardCharsets.UTF_8));
        late.write(0xFF);
        late.writeBytes("\n".getBytes(StandardCharsets.UTF_8));

        assertThat(importFailing("early.csv", early.toByteArray()).errors()).singleElement()
                .hasToString("line 3, character 4 (record 2): not valid UTF-8 text");
        assertThat(importFailing("late.csv", late.toByteArray()).errors()).singleElement()
                .satisfies(error -> {
                    assertThat(error.line()).isEqualTo(5_000);
                    assertThat(error.character()).isEqualTo(11);
                    assertThat(error.record()).isEqualTo(4_999);
                });
        String text = "[\n{\"canonical_model\": \"A\", \"price\": 1, \"score\": 0.5},\n"
                + "{\"canonical_model\": \"Caf_\", \"price\": 1, \"score\": 0.5}]\n";
        byte[] json = text.getBytes(StandardCharsets.UTF_8);
        json[text.indexOf("Caf_") + 3] = (byte) 0xE9;
        assertThat(importFailing("bad.json", json).errors()).singleElement()
                .hasToString("line 3, character 25 (record 2): not valid UTF-8 text");
    }

    @Test
    void utf16IsRefusedAtTheStartSayingWhatItIs() throws IOException {
        byte[] utf16 = (HEADER + "A,1,0.5,\n").getBytes(StandardCharsets.UTF_16);

        assertThat(importFailing("utf16.csv", utf16).errors()).singleElement().hasToString(
                "line 1, character 1: not valid UTF-8 text (the file starts with a UTF-16 byte order mark;"
                        + " save it as UTF-8)");
        assertThat(importFailing("utf16.json", "[{\"canonical_model\": \"A\", \"price\": 1, \"score\": 0.5}]"
                .getBytes(StandardCharsets.UTF_16LE)).errors()).singleElement()
                .satisfies(error -> assertThat(error.line()).isEqualTo(1));
    }

    @Test
    void aUtf8ByteOrderMarkIsSkippedInBothFormats() {
        Path csv = TestFiles.write(dir, "bom.csv", "\uFEFF" + HEADER + "A,1,0.5,\n");
        Path json = TestFiles.write(dir, "bom.json",
                "\uFEFF[{\"canonical_model\": \"A\", \"price\": 1, \"score\": 0.5}]");

        assertThat(TestFiles.readAll(csv)).extracting(Listing::canonicalModel).containsExactly("A");
        assertThat(TestFiles.readAll(json)).extracting(Listing::canonicalModel).containsExactly("A");
    }

    @Test
    @Timeout(20)
    void everyCellHasASizeLimitNamedByItsColumn() throws IOException {
        String huge = "x".repeat(ListingReader.MAX_CELL_LENGTH + 1);
        String text = "y".repeat(Listing.MAX_TEXT_LENGTH + 1);

        assertThat(importFailing("huge.csv", HEADER + "A,1,0.5,\nA,1,0.5," + huge + "\n").errors()).singleElement()
                .satisfies(error -> {
                    assertThat(error.line()).isEqualTo(3);
                    assertThat(error.column()).isEqualTo("shipping");
                    assertThat(error.character()).isPositive();
                    assertThat(error.reason()).isEqualTo("a value is longer than 1000000 characters");
                });
        assertThat(importFailing("text.csv", HEADER + "A,1,0.5," + text + "\n").errors()).singleElement()
                .hasToString("line 2 (record 1), column shipping: must be at most 10000 characters, was 10001");
        assertThat(importFailing("model.csv", "canonical_model,price,score,model\nA,1,0.5," + text + "\n")
                .errors()).singleElement().hasToString(
                        "line 2 (record 1), column model: must be at most 10000 characters, was 10001");
        assertThat(importFailing("huge.json", "[{\"canonical_model\": \"A\", \"price\": 1, \"score\": 0.5,\n"
                + "\"shipping\": \"" + huge + "\"}]").errors()).singleElement().satisfies(error -> {
                    assertThat(error.line()).isEqualTo(2);
                    assertThat(error.character()).isPositive();
                    assertThat(error.reason()).isEqualTo("a string is longer than 1000000 characters");
                });
    }

    @Test
    @Timeout(20)
    void aRecordOfManyValuesHasASizeLimitToo() throws IOException {
        String cells = (",".repeat(1) + "z".repeat(999_999)).repeat(5);
        ListingFormatException csv = importFailing("wide.csv", HEADER + "A,1,0.5,x" + cells + "\n");
        StringBuilder json = new StringBuilder("[{\"canonical_model\": \"A\", \"price\": 1, \"score\": 0.5");
        for (int i = 0; i < 5; i++) {
            json.append(", \"f").append(i).append("\": [\"").append("z".repeat(999_000)).append("\"]");
        }
        ListingFormatException inJson = importFailing("wide.json", json + "}]");

        assertThat(csv.errors()).singleElement().extracting(RowError::reason)
                .isEqualTo("the record is longer than 4000000 characters");
        assertThat(inJson.errors()).singleElement().hasToString(
                "line 1 (record 1), column f4: the record is longer than 4000000 characters");
    }

    @Test
    void deepJsonIsRefusedNamingItsPlace() throws IOException {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);

        assertThat(importFailing("deep.json", "[{\"canonical_model\": \"A\", \"price\": 1, \"score\": 0.5, \"x\": "
                + deep + "}]").errors()).singleElement().satisfies(error -> {
                    assertThat(error.line()).isEqualTo(1);
                    assertThat(error.character()).isPositive();
                    assertThat(error.reason()).isEqualTo("arrays and objects nest deeper than 100 levels");
                });
        assertThat(importFailing("deep.csv", "canonical_model,price,score,heuristics\nA,1,0.5,\"{\"\"a\"\":"
                + deep + "}\"\n").errors()).singleElement().satisfies(error -> {
                    assertThat(error.column()).isEqualTo("heuristics");
                    assertThat(error.reason()).startsWith("not a JSON object: '{\"a\":[[[[").contains("nesting depth");
                });
    }

    @Test
    void aJsonFieldGivenTwiceIsRefusedLikeACsvColumnNamedTwice() throws IOException {
        ListingFormatException e = importFailing("twice.json", """
                [
                  {"canonical_model": "A", "price": 1, "score": 0.5},
                  {"canonical_model": "A", "price": 1, "price": 2, "score": 0.5},
                  {"canonical_model": "A", "price": 1, "score": 0.5, "x": 1, "x": 2},
                  {"canonical_model": "A", "price": 1, "score": 0.5, "heuristics": {"k": 1, "k": 2}}
                ]
                """);

        assertThat(e.errors()).extracting(RowError::toString).containsExactly(
                "line 3 (record 2), column price: the record gives field 'price' twice",
                "line 4 (record 3), column x: the record gives field 'x' twice",
                "line 5 (record 4), column heuristics: 'k' is given twice in heuristics");
    }

    @Test
    void heuristicsNumbersADoubleCannotHoldAreRefusedByName() throws IOException {
        ListingFormatException json = importFailing("numbers.json", """
                [
                  {"canonical_model": "A", "price": 1, "score": 0.5, "heuristics": {"big": 1e400}},
                  {"canonical_model": "A", "price": 1, "score": 0.5, "heuristics": {"z": [1, -0.0]}},
                  {"canonical_model": "A", "price": 1, "score": 0.5, "tiny": 1e-400},
                  {"canonical_model": "A", "price": 1, "score": 0.5, "heuristics": {"n": NaN}}
                ]
                """);
        ListingFormatException csv = importFailing("numbers.csv", "canonical_model,price,score,heuristics\n"
                + "A,1,0.5,\"{\"\"big\"\": 1e400}\"\nA,1,0.5,\"{\"\"z\"\": -0.0}\"\n");

        assertThat(json.errors()).extracting(RowError::toString).containsExactly(
                "line 2 (record 1), column heuristics: heuristics.big is '1e400', beyond the range of a double"
                        + " (about 1.8e308); it cannot be kept exactly",
                "line 3 (record 2), column heuristics: heuristics.z[1] is '-0.0': negative zero cannot be kept"
                        + " (it reads back as 0); write 0",
                "line 4 (record 3), column tiny: tiny is '1e-400', too small for a double (about 4.9e-324);"
                        + " it cannot be kept exactly",
                "line 5 (record 4), column heuristics: heuristics.n is 'NaN', which JSON cannot hold as a number");
        assertThat(csv.errors()).extracting(RowError::reason).containsExactly(
                "heuristics.big is '1e400', beyond the range of a double (about 1.8e308); it cannot be kept exactly",
                "heuristics.z is '-0.0': negative zero cannot be kept (it reads back as 0); write 0");
    }

    @Test
    void aHeuristicsNumberColumnKeepsWhatItReadsOrRefusesIt() throws IOException {
        ListingFormatException e = importFailing("capacity.csv", "canonical_model,price,score,quantization_capacity\n"
                + "A,1,0.5,1e400\nA,1,0.5,-0.0\nA,1,0.5,1e-400\nA,1,0.5," + "7".repeat(41) + "\n");

        assertThat(e.errors()).extracting(RowError::toString).containsExactly(
                "line 2 (record 1), column quantization_capacity: '1e400' is beyond the range of a double"
                        + " (about 1.8e308); it cannot be kept exactly",
                "line 3 (record 2), column quantization_capacity: '-0.0': negative zero cannot be kept"
                        + " (it reads back as 0); write 0",
                "line 4 (record 3), column quantization_capacity: '1e-400' is too small for a double"
                        + " (about 4.9e-324); it cannot be kept exactly",
                "line 5 (record 4), column quantization_capacity: number too long: '" + "7".repeat(40)
                        + "...' has 41 characters; at most 40");

        Path good = TestFiles.write(dir, "capacity-good.csv", "canonical_model,price,score,quantization_capacity\n"
                + "A,1,0.5,4\nA,1,0.5,2.5\nA,1,0.5,1e3\nA,1,0.5,12345678901234567890\nA,1,0.5,high\n");
        List<Listing> read = TestFiles.readAll(good);
        assertThat(read).extracting(l -> l.heuristics().get("quantization_capacity"))
                .containsExactly(4, 2.5, 1000.0, new java.math.BigInteger("12345678901234567890"), "high");
        store.importListings(read.iterator(), ImportRequest.of("capacity"));
        for (ListingFormat format : ListingFormat.values()) {
            StringWriter out = new StringWriter();
            try (ListingWriter writer = ListingWriter.open(out, format)) {
                TestFiles.queryAll(store, "capacity").forEach(writer::write);
            }
            Path again = TestFiles.write(dir, "capacity-again." + format.name().toLowerCase(java.util.Locale.ROOT),
                    out.toString());
            assertThat(TestFiles.withoutProvenance(TestFiles.readAll(again))).as(format.name())
                    .isEqualTo(TestFiles.withoutProvenance(read));
        }
    }

    @Test
    void heuristicsNumbersThatADoubleHoldsSurviveExportAndReimport() throws IOException {
        Path json = TestFiles.write(dir, "edge.json", """
                [{"canonical_model": "A", "price": 595.990, "score": 0.5, "shipping": 1e300,
                  "heuristics": {"max": 1.7976931348623157e308, "min": 4.9e-324, "zero": 0.0, "int": -0,
                                 "big": 123456789012345678901234567890, "nested": [{"a": 0.1}]}}]
                """);
        List<Listing> read = TestFiles.readAll(json);
        store.importListings(read.iterator(), ImportRequest.of("edge"));

        for (ListingFormat format : ListingFormat.values()) {
            StringWriter out = new StringWriter();
            try (ListingWriter writer = ListingWriter.open(out, format)) {
                TestFiles.queryAll(store, "edge").forEach(writer::write);
            }
            Path again = TestFiles.write(dir, "again." + format.name().toLowerCase(java.util.Locale.ROOT),
                    out.toString());
            assertThat(TestFiles.withoutProvenance(TestFiles.readAll(again))).as(format.name())
                    .isEqualTo(TestFiles.withoutProvenance(read));
        }
        Map<String, Object> heuristics = read.get(0).heuristics();
        assertThat(heuristics).containsEntry("max", Double.MAX_VALUE).containsEntry("min", Double.MIN_VALUE)
                .containsEntry("shipping", 1e300).containsEntry("int", 0);
        assertThat(read.get(0).price()).isEqualByComparingTo("595.99");
    }

    @Test
    @Timeout(30)
    void aHugeCellIsRefusedWithinASmallHeap() throws Exception {
        Path file = dir.resolve("huge-cell.csv");
        try (var out = Files.newBufferedWriter(file)) {
            out.write(HEADER);
            out.write("A,1,0.5,");
            String chunk = "q".repeat(1_000_000);
            for (int i = 0; i < 19; i++) {
                out.write(chunk);
            }
            out.write("\n");
        }
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-cp", System.getProperty("java.class.path"), ImportOneFile.class.getName(),
                file.toString(), dir.resolve("small-heap.sqlite3").toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(Duration.ofSeconds(25).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .isTrue();

        assertThat(output).contains("ListingFormatException: Cannot read " + file
                + ": line 2, character ").contains(", column shipping: a value is longer than 1000000 characters");
        assertThat(output).doesNotContain("OutOfMemoryError");
        assertThat(process.exitValue()).isEqualTo(3);
    }

    /** Imports one file into a new SQLite store; exits 0 if it imported, 3 on a ListingFormatException. */
    static final class ImportOneFile {
        private ImportOneFile() {
        }

        public static void main(String[] args) {
            try (ListingStore store = new SqliteListingStore(Path.of(args[1]));
                    ListingReader reader = ListingReader.open(Path.of(args[0]))) {
                store.importListings(reader, ImportRequest.of("one"));
            } catch (ListingFormatException e) {
                // The parent reads what the child prints.
                new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                        StandardCharsets.UTF_8).println(e.getClass().getSimpleName() + ": " + e.getMessage());
                Runtime.getRuntime().exit(3);
            }
        }
    }
}
