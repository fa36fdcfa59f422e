package io.glyphd.store.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreException;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input is reported with its line and column, and an import of it writes nothing. */
class BadInputTest {
    private static final String HEADER = "canonical_model,price,score,vram_gb,nvlink,seen_at\n";

    @TempDir
    Path dir;
    ListingStore store;

    @BeforeEach
    void open() {
        store = new SqliteListingStore(dir.resolve("listings.sqlite3"));
        store.insertListings(List.of(Listing.builder().canonicalModel("KEEP")
                .price("1").score(0.5).build()), "existing");
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Imports a file as import "bad", expecting it to fail; returns the failure after checking nothing changed. */
    private ListingFormatException importFailing(String name, String content) {
        Path file = TestFiles.write(dir, name, content);
        ListingFormatException e = catchThrowableOfType(ListingFormatException.class, () -> {
            try (ListingReader reader = ListingReader.open(file)) {
                store.importListings(reader, ImportRequest.of("bad"));
            }
        });
        assertThat(e).as("import of " + name).isNotNull();
        assertThat(store.findImport("bad")).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isOne();
        return e;
    }

    @Test
    void everyKindOfBadRowIsReportedWithLineAndColumnAndNothingIsWritten() {
        ListingFormatException e = importFailing("bad.csv", HEADER
                + "A100,1,0.5,40,True,\n"                    // line 2: good
                + "A100,abc,0.5,40,True,\n"                  // line 3: price not a number
                + "A100,1,nan,40,True,\n"                    // line 4: score NaN
                + "A100,1,,40,True,\n"                       // line 5: score missing
                + ",1,0.5,40,True,\n"                        // line 6: blank model
                + "A100,1,0.5,40\n"                          // line 7: wrong column count
                + "A100,1,0.5,12.5,True,\n"                  // line 8: non-integral integer
                + "A100,1,0.5,40,maybe,\n"                   // line 9: not a boolean
                + "A100,1,0.5,40,True,yesterday\n"           // line 10: not a timestamp
                + "A100,-5,0.5,40,True,\n"                   // line 11: fails Listing validation
                + "\"  \",1,0.5,40,True,\n"                  // line 12: blank model, quoted
                + "A100,1.0000001,0.5,40,True,\n"            // line 13: too many decimals
                + "A100,1,0.5,40,True,\n");                  // line 14: good

        assertThat(e.errors()).extracting(RowError::line, RowError::column).containsExactly(
                tuple(3L, "price"),
                tuple(4L, "score"),
                tuple(5L, "score"),
                tuple(6L, "canonical_model"),
                tuple(7L, null),
                tuple(8L, "vram_gb"),
                tuple(9L, "nvlink"),
                tuple(10L, "seen_at"),
                tuple(11L, "price"),
                tuple(12L, "canonical_model"),
                tuple(13L, "price"));
        assertThat(e.errors()).extracting(RowError::reason).containsExactly(
                "not a number: 'abc'",
                "NaN; every listing needs a finite score",
                "empty; every listing needs a score",
                "empty; every listing needs a canonical_model",
                "expected 6 values, found 4",
                "not a whole number: '12.5'",
                "not a boolean (true, false, 1 or 0): 'maybe'",
                "not an ISO-8601 timestamp: 'yesterday'",
                "price must be >= 0 for A100, was -5",
                "canonicalModel must not be blank",
                "price must have at most 6 decimal places for A100, was 1.0000001");
        assertThat(e.errors()).extracting(RowError::record).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L,
                11L, 12L);
        assertThat(e.moreErrors()).isZero();
        assertThat(e.rowIndex()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("price");
        assertThat(e.getMessage()).startsWith("Cannot read " + dir.resolve("bad.csv") + ": 11 problems\n"
                + "  line 3 (record 2), column price: not a number: 'abc'\n"
                + "  line 4 (record 3), column score: NaN; every listing needs a finite score\n");
    }

    @Test
    void oneBadRowGivesAOneLineMessage() {
        ListingFormatException e = importFailing("one.csv", HEADER + "A100,1,0.5,40,True,\nA100,1,0.5,4x,,\n");

        assertThat(e).hasMessage("Cannot read " + dir.resolve("one.csv")
                + ": line 3 (record 2), column vram_gb: not a number: '4x'");
        assertThat(e).isInstanceOf(InvalidListingException.class).isInstanceOf(StoreException.class);
    }

    @Test
    void errorsAreCappedAndTheRestCounted() {
        StringBuilder content = new StringBuilder(HEADER);
        for (int i = 0; i < 25; i++) {
            content.append("A100,x").append(i).append(",0.5,40,True,\n");
        }
        ListingFormatException e = importFailing("many.csv", content.toString());

        assertThat(e.errors()).hasSize(ListingReader.MAX_ERRORS);
        assertThat(e.errors().get(19).line()).isEqualTo(21);
        assertThat(e.moreErrors()).isEqualTo(5);
        assertThat(e.getMessage()).contains("25 problems").endsWith("\n  and 5 more");
    }

    @Test
    void badValuesAreQuotedShortened() {
        ListingFormatException e = importFailing("long.csv", HEADER + "A100," + "9".repeat(30) + "x"
                + "z".repeat(100) + ",0.5,40,True,\n");

        assertThat(e.errors().get(0).reason()).isEqualTo("not a number: '" + "9".repeat(30) + "x"
                + "z".repeat(9) + "...'");
    }

    @Test
    void headerLackingRequiredColumnsFailsBeforeAnyRowNamingThemAndTheirAliases() {
        Path file = TestFiles.write(dir, "header.csv", "model,canonical_model,cost,rating\nRTX 5070,RTX_5070,1,x\n");

        assertThatThrownBy(() -> ListingReader.open(file))
                .isInstanceOf(ListingFormatException.class)
                .hasMessage("Cannot read " + file + ": line 1: the header lacks required columns: "
                        + "price (or price_usd); score; found: model, canonical_model, cost, rating")
                .satisfies(e -> assertThat(((ListingFormatException) e).errors())
                        .singleElement().extracting(RowError::line).isEqualTo(1L));
    }

    @Test
    void headerNamingOneFieldTwiceFails() {
        Path aliases = TestFiles.write(dir, "aliases.csv",
                "canonical_model,price,score,tdp_w,tdp_watts\nA,1,0,1,1\n");
        Path twice = TestFiles.write(dir, "twice.csv", "canonical_model,price,score,x,x\nA,1,0,1,1\n");

        assertThatThrownBy(() -> ListingReader.open(aliases)).isInstanceOf(ListingFormatException.class)
                .hasMessageEndingWith("columns 'tdp_w' and 'tdp_watts' both give tdp_watts");
        assertThatThrownBy(() -> ListingReader.open(twice)).isInstanceOf(ListingFormatException.class)
                .hasMessageEndingWith("the header names column 'x' twice (columns 4 and 5)");
    }

    @Test
    void emptyFileAndMissingFileFailClearly() {
        Path empty = TestFiles.write(dir, "empty.csv", "");
        Path emptyJson = TestFiles.write(dir, "empty.json", "  ");

        assertThatThrownBy(() -> ListingReader.open(empty)).isInstanceOf(ListingFormatException.class)
                .hasMessageEndingWith("the file is empty; expected a header line naming the columns");
        assertThatThrownBy(() -> ListingReader.open(emptyJson)).isInstanceOf(ListingFormatException.class)
                .hasMessageEndingWith("the file is empty; expected a JSON array of listings");
        assertThatThrownBy(() -> ListingReader.open(dir.resolve("missing.csv")))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessage("Cannot read " + dir.resolve("missing.csv") + ": no such file");
    }

    @Test
    void headerWithoutRowsImportsNothing() {
        Path file = TestFiles.write(dir, "header-only.csv", HEADER);

        assertThatThrownBy(() -> {
            try (ListingReader reader = ListingReader.open(file)) {
                store.importListings(reader, ImportRequest.of("bad"));
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 listings");
        assertThat(store.findImport("bad")).isEmpty();
    }

    @Test
    void unclosedQuoteIsReportedAtItsLine() {
        ListingFormatException e = importFailing("quote.csv", HEADER + "A100,1,0.5,40,True,\n"
                + "\"A100,1,0.5,40,True,\nA100,1,0.5,40,True,\n");

        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.reason()).startsWith("malformed CSV: Missing closing quote")
                    .endsWith("(found at line 5)");
            assertThat(error.line()).isEqualTo(3);
        });
    }

    @Test
    void invalidUtf8IsReportedAsAFormatProblem() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, (HEADER + "A100,1,0.5,40,True,\nCaf").getBytes(StandardCharsets.UTF_8));
        Files.write(file, new byte[] {(byte) 0xE9, '\n'}, StandardOpenOption.APPEND);

        ListingFormatException e = catchThrowableOfType(ListingFormatException.class, () -> TestFiles.readAll(file));

        assertThat(e.errors()).singleElement().extracting(RowError::reason).isEqualTo("not valid UTF-8 text");
    }

    @Test
    void badJsonRecordsAreReportedWithLineAndField() {
        ListingFormatException e = importFailing("bad.json", """
                [
                  {"canonical_model": "A", "price": 1, "score": 0.5},
                  {"canonical_model": "A", "price": "abc", "score": 0.5},
                  {"canonical_model": "A", "price": 1},
                  {"canonical_model": "A", "price": 1, "score": NaN},
                  {"canonical_model": "A", "price": 1, "score": 0.5, "vram_gb": [1]},
                  {"canonical_model": "A", "price": 1, "score": 0.5, "tdp_w": 1, "tdpWatts": 2},
                  42,
                  {"canonical_model": "A", "price": 1, "score": 0.5, "heuristics": "[1]"}
                ]
                """);

        assertThat(e.errors()).extracting(RowError::toString).containsExactly(
                "line 3 (record 2), column price: not a number: 'abc'",
                "line 4 (record 3), column score: missing",
                "line 5 (record 4), column score: NaN; every listing needs a finite score",
                "line 6 (record 5), column vram_gb: expected a single value, found an array",
                "line 7 (record 6), column tdpWatts: 'tdp_w' and 'tdpWatts' both give tdp_watts",
                "line 8 (record 7): expected a listing object, found a number",
                "line 9 (record 8), column heuristics: not a JSON object: '[1]'");
    }

    @Test
    void malformedJsonStopsReadingAndReportsItsLine() {
        ListingFormatException e = importFailing("broken.json", """
                [
                  {"canonical_model": "A", "price": 1, "score": 0.5},
                  {"canonical_model": "A", "price": 1, "score": 0.5,,}
                ]
                """);

        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(3);
            assertThat(error.reason()).startsWith("malformed JSON: ");
        });
    }

    @Test
    void jsonThatIsNotAnArrayOfObjectsFailsOnOpen() {
        Path file = TestFiles.write(dir, "scalar.json", "\"listings\"");

        assertThatThrownBy(() -> ListingReader.open(file)).isInstanceOf(ListingFormatException.class)
                .hasMessageEndingWith("expected a JSON array of listing objects, found a string");
    }
}
