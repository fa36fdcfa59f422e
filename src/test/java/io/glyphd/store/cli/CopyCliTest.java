package io.glyphd.store.cli;

import static io.glyphd.store.cli.CliRunner.contents;
import static io.glyphd.store.cli.CliRunner.parameter;
import static io.glyphd.store.cli.CliRunner.passwordVariables;
import static io.glyphd.store.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.TestListings;
import io.glyphd.store.cli.CliRunner.Run;
import io.glyphd.store.postgres.PostgresListingStore;
import io.glyphd.store.postgres.PostgresServer;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code glyphd-store copy} end to end, in process. The source is a SQLite file holding the real
 * {@code wamatek_scored.csv} imported through the CLI as {@value #JULY}; a later scrape {@value #AUGUST} made from it
 * (the first 100 rows gone, every tenth row 5% dearer); and {@value #OLDEST}, listings with every component set,
 * stored with an explicit time years back. It is copied into a PostgreSQL schema of its own and back into a new file,
 * and each store is read back whole and compared record by record.
 */
class CopyCliTest {
    static final String JULY = "wamatek-2025-07";
    static final String AUGUST = "wamatek-2025-08";
    static final String OLDEST = "every-field";
    private static final Instant LONG_AGO = Instant.parse("2020-01-01T00:00:00.000001Z");
    private static final String DURATION = "\\d+(\\.\\d+)? (ms|s)";
    private static final String URL = "https://wamatek.com/products/gt-1030-4gd4-lp-oc-1";

    /** The source as built once for the class; each test copies it. */
    @TempDir
    static Path built;

    @TempDir
    Path dir;
    Path source;
    String schema;
    String url;
    String shown;
    Map<String, String> environment;

    @BeforeAll
    static void buildSource() throws IOException {
        Path file = built.resolve("source.sqlite3");
        Path wamatek = built.resolve("wamatek_scored.csv");
        try (InputStream in = CopyCliTest.class.getResourceAsStream("/data/wamatek_scored.csv")) {
            Files.copy(in, wamatek);
        }
        try (ListingStore store = new SqliteListingStore(file)) {
            List<Listing> everyField = new ArrayList<>(List.of(TestListings.full()));
            everyField.addAll(TestListings.sample(20));
            store.insertListings(everyField, new ImportRequest(OLDEST, "TestListings", "every component",
                    LONG_AGO));
        }
        Run imported = run(Map.of(CliEnvironment.DB_PATH_VARIABLE, file.toString()), false, "import",
                wamatek.toString(), "--import-id", JULY, "--source", "wamatek July scrape", "--description", "July");
        assertThat(imported.status()).as(imported.err()).isZero();
        try (ListingStore store = new SqliteListingStore(file)) {
            List<Listing> july = CliRunner.listings(store, JULY);
            List<Listing> august = new ArrayList<>();
            for (int i = 100; i < july.size(); i++) {
                Listing l = july.get(i);
                august.add(i % 10 == 0 ? l.toBuilder().price(l.price().multiply(new BigDecimal("1.05"))
                        .setScale(2, RoundingMode.HALF_UP)).build() : l);
            }
            store.insertListings(august, new ImportRequest(AUGUST, "wamatek August scrape", null));
        }
    }

    @BeforeEach
    void stores() throws IOException {
        source = dir.resolve("source.sqlite3");
        // Closing the store checkpointed its write-ahead log into the file.
        assertThat(built.resolve("source.sqlite3-wal")).doesNotExist();
        Files.copy(built.resolve("source.sqlite3"), source);
        schema = CliRunner.freshSchema();
        url = CliRunner.url(schema);
        shown = url.substring(0, url.indexOf('?')) + " (schema " + schema + ")";
        environment = passwordVariables();
    }

    private Run copy(String from, String to) {
        return copy(false, from, to);
    }

    private Run copy(boolean terminal, String from, String to, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("copy", "--from", from, "--to", to));
        return run(environment, terminal, args.toArray(String[]::new));
    }

    private PostgresListingStore postgres() {
        return PostgresListingStore.builder(PostgresServer.shared().dataSource(CliRunner.database())).schema(schema)
                .build();
    }

    private static Map<ImportMetadata, List<Listing>> contentsOf(Path file) {
        try (ListingStore store = new SqliteListingStore(file)) {
            return contents(store);
        }
    }

    private Map<ImportMetadata, List<Listing>> contentsOfPostgres() {
        try (ListingStore store = postgres()) {
            return contents(store);
        }
    }

    /** Asserts that two stores hold the same imports, newest first, each with the same listings in order. */
    private static void assertSameContents(Map<ImportMetadata, List<Listing>> actual,
            Map<ImportMetadata, List<Listing>> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((i, listings) -> assertThat(actual.get(i)).as(i.toString()).hasSize(listings.size())
                .isEqualTo(listings));
    }

    @Test
    void copiesSqliteIntoPostgresqlAndBackExactly() {
        Map<ImportMetadata, List<Listing>> original = contentsOf(source);
        Path back = dir.resolve("back.sqlite3");

        Run intoPostgres = copy(source.toString(), url);
        Run intoSqlite = copy(url, back.toString());

        assertThat(intoPostgres.status()).as(intoPostgres.err()).isZero();
        assertThat(intoPostgres.err()).isEmpty();
        List<String> lines = intoPostgres.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("Copied import " + OLDEST + " \\(21 listings, imported at " + LONG_AGO
                + "\\) in " + DURATION);
        assertThat(lines.get(1)).matches("Copied import " + JULY + " \\(10530 listings, imported at \\S+Z\\) in "
                + DURATION);
        assertThat(lines.get(2)).startsWith("Copied import " + AUGUST + " (10430 listings, imported at ");
        assertThat(lines.get(3)).matches("Copied 3 imports \\(20981 listings\\) from \\Q" + source + "\\E to \\Q"
                + shown + "\\E in " + DURATION + "\\.");
        assertThat(intoSqlite.status()).as(intoSqlite.err()).isZero();
        assertThat(intoSqlite.out()).containsPattern("\nCopied 3 imports \\(20981 listings\\) from \\Q" + shown
                + "\\E to \\Q" + back + "\\E in " + DURATION + "\\.\n$");
        assertThat(original.keySet()).extracting(ImportMetadata::importId).containsExactly(AUGUST, JULY, OLDEST);
        assertSameContents(contentsOfPostgres(), original);
        assertSameContents(contentsOf(back), original);
    }

    @Test
    void theCommandsPrintTheSameForTheCopyAsForTheOriginal() {
        assertThat(copy(source.toString(), url).status()).isZero();
        Map<String, String> sqlite = Map.of(CliEnvironment.DB_PATH_VARIABLE, source.toString());
        Map<String, String> postgres = passwordVariables();
        postgres.put(CliEnvironment.DB_URL_VARIABLE, url);

        for (List<String> args : List.of(List.of("imports"), List.of("imports", "--format", "json"),
                List.of("show-import", JULY), List.of("history", URL, "gt_1030"),
                List.of("history", URL, "GT_1030", "--format", "csv"),
                List.of("diff", JULY, AUGUST, "--limit", "5"),
                List.of("diff", JULY, AUGUST, "--all", "--format", "csv"),
                List.of("stats", "--import-id", AUGUST, "--min-score", "0.45"),
                List.of("query", "--model", "rtx_4070", "--order", "price", "--limit", "5"))) {
            String[] command = args.toArray(String[]::new);
            Run onSqlite = run(sqlite, false, command);
            assertThat(onSqlite.status()).as(String.join(" ", args)).isZero();
            assertThat(run(postgres, false, command)).as(String.join(" ", args)).isEqualTo(onSqlite);
        }
    }

    @Test
    void copyingAgainReplacesEachImportAndKeepsTheTargetsOtherImports() {
        try (ListingStore target = postgres()) {
            target.insertListings(TestListings.sample(3), "only-in-postgres");
        }

        Run first = copy(source.toString(), url);
        Run again = copy(source.toString(), url);

        assertThat(first.status()).isZero();
        assertThat(first.out()).doesNotContain("replaced");
        assertThat(again.status()).as(again.err()).isZero();
        assertThat(again.out().lines().limit(3)).allSatisfy(line -> assertThat(line).endsWith(" listings)"))
                .anySatisfy(line -> assertThat(line).endsWith(" (replaced 10530 listings)"));
        Map<ImportMetadata, List<Listing>> copied = contentsOfPostgres();
        assertThat(copied.keySet()).extracting(ImportMetadata::importId)
                .containsExactly("only-in-postgres", AUGUST, JULY, OLDEST);
        copied.keySet().removeIf(i -> i.importId().equals("only-in-postgres"));
        assertSameContents(copied, contentsOf(source));
        try (ListingStore target = postgres()) {
            assertThat(target.countListings(ListingQuery.all())).isEqualTo(3 + 21 + 10_530 + 10_430);
        }
    }

    @Test
    void progressShowsOnATerminalOnlyAndNotWhenQuiet() {
        Run terminal = copy(true, source.toString(), dir.resolve("terminal.sqlite3").toString());
        Run quiet = copy(true, source.toString(), dir.resolve("quiet.sqlite3").toString(), "-q");
        Run piped = copy(false, source.toString(), dir.resolve("piped.sqlite3").toString());

        assertThat(terminal.err()).isEqualTo("\rCopying import " + JULY + " (2 of 3): 10000 of 10530 listings...\n"
                + "\rCopying import " + AUGUST + " (3 of 3): 10000 of 10430 listings...\n");
        assertThat(quiet.err()).isEmpty();
        assertThat(piped.err()).isEmpty();
        assertThat(List.of(terminal, quiet, piped)).allSatisfy(r -> {
            assertThat(r.status()).isZero();
            assertThat(r.out()).contains("Copied 3 imports (20981 listings)");
        });
    }

    @Test
    void anImportTheTargetRefusesStopsTheCopyAndTheMessageSaysWhatWasCopied() {
        Path withNul = dir.resolve("nul.sqlite3");
        try (ListingStore store = new SqliteListingStore(withNul)) {
            store.insertListings(TestListings.sample(2), new ImportRequest("a", null, null, LONG_AGO));
            store.insertListings(List.of(TestListings.listing("A100", "1", 0.5), Listing.builder()
                    .canonicalModel("A100").price("2").score(0.5).notes("nul \0 inside").build()),
                    new ImportRequest("b", null, null, LONG_AGO.plusSeconds(1)));
            store.insertListings(TestListings.sample(2), new ImportRequest("c", null, null, LONG_AGO.plusSeconds(2)));
        }

        Run run = copy(withNul.toString(), url);

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).startsWith("Copied import a (2 listings").doesNotContain("import b", "import c");
        assertThat(run.err()).startsWith("glyphd-store: Cannot copy import b (2 of 3) from " + withNul + " to " + shown
                + ": Cannot import listings as import b")
                .contains(": row 2: ", "U+0000")
                .contains("\nNothing of import b was written. The 1 import before it was copied, the 1 import after"
                        + " it was not; copying again copies them all (an import copied again is replaced, not"
                        + " doubled).\n");
        try (ListingStore target = postgres()) {
            assertThat(target.listImports()).extracting(ImportMetadata::importId).containsExactly("a");
        }
    }

    @Test
    void usageMistakesAreRefusedBeforeAnythingIsCopied() {
        Path target = dir.resolve("target.sqlite3");
        String secret = "Hunter2-s3cret";

        Run noTarget = run(environment, false, "copy", "--from", source.toString());
        Run same = copy(source.toString(), dir.resolve(".").resolve("source.sqlite3").toString());
        Run withDb = run(environment, false, "--db", source.toString(), "copy", "--from", source.toString(), "--to",
                target.toString());
        Run withPassword = copy(source.toString(), parameter(url, "password=" + secret));
        Run missingSource = copy(dir.resolve("none.sqlite3").toString(), target.toString());

        assertThat(List.of(noTarget, same, withDb, withPassword)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
        });
        assertThat(noTarget.err()).startsWith("glyphd-store: Missing required option: '--to=PATH|URL'");
        assertThat(same.err()).startsWith("glyphd-store: --from and --to name the same store, ");
        assertThat(withDb.err()).startsWith("glyphd-store: copy takes --from and --to, not --db\n");
        assertThat(withPassword.err()).startsWith("glyphd-store: --to: the PostgreSQL URL holds password=;")
                .doesNotContain(secret);
        assertThat(missingSource.status()).isEqualTo(1);
        assertThat(missingSource.err()).isEqualTo("glyphd-store: No database at " + dir.resolve("none.sqlite3")
                + " (--from)\n");
        assertThat(target).doesNotExist();
    }

    @Test
    void aSourceWithoutImportsCopiesNothingAndCreatesNoTarget() {
        Path empty = dir.resolve("empty.sqlite3");
        new SqliteListingStore(empty).close();
        Path target = dir.resolve("target.sqlite3");

        Run run = copy(empty.toString(), target.toString());

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("No imports in " + empty + "; nothing to copy.\n");
        assertThat(target).doesNotExist();
    }
}
