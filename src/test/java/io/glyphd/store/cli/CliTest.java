package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in process: stdout, stderr and exit status. */
class CliTest {
    private static final String DURATION = "\\d+(\\.\\d+)? (ms|s)";

    @TempDir
    Path dir;
    Path db;
    Path wamatek;

    /** What a command line printed and returned. */
    record Run(int status, String out, String err) {
    }

    @BeforeEach
    void files() throws IOException {
        db = dir.resolve("store.sqlite3");
        wamatek = dir.resolve("wamatek_scored.csv");
        try (InputStream in = CliTest.class.getResourceAsStream("/data/wamatek_scored.csv")) {
            Files.copy(in, wamatek);
        }
    }

    private Run run(String... args) {
        return run(false, args);
    }

    private Run run(boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = new CliEnvironment(Map.of(CliEnvironment.DB_PATH_VARIABLE, db.toString()),
                terminal);
        int status = Main.run(args, environment, new PrintWriter(out), new PrintWriter(err), false);
        return new Run(status, out.toString(), err.toString());
    }

    private static List<Listing> stored(Path db, String importId) {
        try (ListingStore store = new SqliteListingStore(db)) {
            List<Listing> all = new ArrayList<>();
            List<Listing> page;
            do {
                page = store.queryListings(ListingQuery.builder().importId(importId).limit(ListingQuery.MAX_LIMIT)
                        .offset(all.size()).build());
                all.addAll(page);
            } while (page.size() == ListingQuery.MAX_LIMIT);
            return all;
        }
    }

    @Test
    void importOfTheRealFilePrintsIdCountAndTime() {
        Run run = run("import", wamatek.toString(), "--import-id", "wamatek", "--description", "July scrape");

        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).matches("Imported 10530 listings from \\Q" + wamatek + "\\E as import wamatek into \\Q"
                + db + "\\E in " + DURATION + "\n");
        assertThat(stored(db, "wamatek")).hasSize(10_530);
    }

    @Test
    void importIdDefaultsToANewUuidAndReimportReplaces() {
        Run first = run("import", wamatek.toString());
        Run again = run("import", "--import-id", "fixed", "--allow-duplicate", wamatek.toString());
        Run replaced = run("import", "--import-id", "fixed", wamatek.toString());

        assertThat(first.out())
                .containsPattern("as import [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} ");
        assertThat(again.out()).doesNotContain("replaced");
        assertThat(replaced.out()).endsWith(" (replaced 10530 listings)\n");
        assertThat(run("imports").out().lines()).hasSize(3);
    }

    @Test
    void badFileExitsWithOneListsEveryBadLineAndImportsNothing() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "canonical_model,price,score,vram_gb\n"
                + "A100,1,0.5,40\nA100,abc,0.5,40\n,1,0.5,40\nA100,1,0.5,12.5\n");

        Run run = run("import", bad.toString(), "--import-id", "bad");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("glyphd-store: Cannot read " + bad + ": 3 problems\n"
                + "  line 3 (record 2), column price: not a number: 'abc'\n"
                + "  line 4 (record 3), column canonical_model: empty; every listing needs a canonical_model\n"
                + "  line 5 (record 4), column vram_gb: not a whole number: '12.5'\n"
                + "Nothing was imported.\n");
        Run imports = run("imports");
        assertThat(imports.out()).isEmpty();
        assertThat(imports.err()).isEqualTo("No imports in " + db + ".\n");
    }

    @Test
    void missingFileAndUnknownExtensionAreReported() {
        Run missing = run("import", dir.resolve("nope.csv").toString());
        Run unknown = run("import", wamatek.resolveSibling("listings.txt").toString());

        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("glyphd-store: Cannot read " + dir.resolve("nope.csv")
                + ": no such file\n");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("glyphd-store: Cannot tell the format of ");
    }

    @Test
    void queryPrintsAnAlignedTableAndTheCountOnStderr() {
        run("import", wamatek.toString(), "--import-id", "wamatek");

        Run run = run("query", "--model", "rtx_5090", "--order", "price", "--limit", "3");

        assertThat(run.status()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0))
                .startsWith(" SCORE  MODEL       PRICE  VRAM_GB  AVAILABILITY  REGION  IMPORT    ROW  TITLE");
        assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line).contains("  RTX_5090  ")
                .contains("  wamatek  "));
        int priceEnd = lines.get(0).indexOf("PRICE") + "PRICE".length();
        assertThat(lines).allSatisfy(line -> assertThat(line.charAt(priceEnd)).isEqualTo(' '));
        assertThat(lines.get(1).substring(0, priceEnd)).endsWith("2774.99");
        assertThat(run.err()).matches("Listings 1-3 of \\d+ matching.\n");
    }

    @Test
    void queryWithNoMatchPrintsNothingOnStdout() {
        run("import", wamatek.toString());

        Run run = run("query", "--model", "NO_SUCH_GPU");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("No listings match.\n");
    }

    @Test
    void queryCsvOfAllListingsImportsBackUnchanged() throws IOException {
        run("import", wamatek.toString(), "--import-id", "original");

        Run csv = run("query", "--import-id", "original", "--order", "import", "--all", "--format", "csv");
        Path exported = Files.writeString(dir.resolve("exported.csv"), csv.out());
        Run json = run("query", "--import-id", "original", "--order", "import", "--all", "--format", "json");
        Path exportedJson = Files.writeString(dir.resolve("exported.json"), json.out());
        run("import", exported.toString(), "--import-id", "from-csv");
        run("import", exportedJson.toString(), "--import-id", "from-json");

        assertThat(csv.err()).isEmpty();
        assertThat(csv.out().lines()).hasSize(10_531);
        List<Listing> original = withoutProvenance(stored(db, "original"));
        assertThat(withoutProvenance(stored(db, "from-csv"))).isEqualTo(original);
        assertThat(withoutProvenance(stored(db, "from-json"))).isEqualTo(original);
    }

    private static List<Listing> withoutProvenance(List<Listing> listings) {
        return listings.stream().map(l -> l.withProvenance(null, null)).toList();
    }

    @Test
    void queryJsonIsAnArrayOfListings() throws IOException {
        run("import", wamatek.toString(), "--import-id", "w");

        Run run = run("query", "--format", "json", "--min-score", "0.5", "--max-price", "10000", "--region", "usa");

        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.isArray()).isTrue();
        assertThat(json).isNotEmpty().allSatisfy(listing -> {
            assertThat(listing.get("score").asDouble()).isGreaterThanOrEqualTo(0.5);
            assertThat(listing.get("price").decimalValue()).isLessThanOrEqualTo(new BigDecimal("10000"));
            assertThat(listing.get("importId").asText()).isEqualTo("w");
        });
        assertThat(run.err()).isEmpty();
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        assertThat(run()).satisfies(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).startsWith("glyphd-store: Missing command");
        });
        assertThat(run("frobnicate").status()).isEqualTo(2);
        assertThat(run("import").err()).contains("Missing required parameter: 'FILE'");
        assertThat(run("query", "--order", "cheapest").err())
                .contains("'cheapest' is not an order; expected score, price, price-desc, seen or import");
        assertThat(run("query", "--limit", "0").err())
                .startsWith("glyphd-store: Invalid query: limit must be between 1 and 10000, was 0\n"
                        + "Try 'glyphd-store query --help' for more information.\n");
        assertThat(run("query", "--all", "--limit", "5").status()).isEqualTo(2);
        assertThat(run("query", "--min-score", "high").status()).isEqualTo(2);
        assertThat(run("query", "--seen-after", "yesterday").err()).contains("is not an ISO-8601 time");
        assertThat(run("import", wamatek.toString(), "--import-id", " ").err())
                .contains("Invalid --import-id, --source or --description: importId must not be blank");
        assertThat(run("imports", "--format", "csv").status()).isEqualTo(2);
        assertThat(run("demo", "--top", "0").status()).isEqualTo(2);
    }

    @Test
    void timeFiltersTakeADateOrAnIsoTimeWithAnyOffset() {
        run("import", wamatek.toString(), "--import-id", "w");

        assertThat(run("query", "--seen-after", "2025-07-29").status()).isZero();
        assertThat(run("query", "--seen-after", "2025-07-29T12:00:00Z").status()).isZero();
        assertThat(run("query", "--seen-before", "2025-07-29T14:00:00+02:00").status()).isZero();
        Run bad = run("query", "--seen-after", "yesterday");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("'yesterday' is not an ISO-8601 time");
    }

    @Test
    void helpAndVersionExitWithZero() {
        Run help = run("--help");
        Run importHelp = run("help", "import");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("import", "query", "imports", "show-import", "delete-import", "demo", "copy",
                "Exit status: 0 ok, 1 data or storage error, 2 usage error.");
        assertThat(importHelp.out()).contains("--import-id=ID", "--format=csv|json");
        assertThat(run("--version").out()).startsWith("glyphd-store ");
        for (String command : List.of("import", "query", "imports", "show-import", "delete-import", "check", "demo",
                "history", "diff", "stats", "copy")) {
            Run subcommandHelp = run(command, "--help");
            assertThat(subcommandHelp.status()).as(command + " --help").isZero();
            assertThat(subcommandHelp.out()).as(command + " --help").contains("Usage: glyphd-store " + command);
        }
        assertThat(run("query", "--help").out()).contains("--model=M", "--seen-before=T", "--order=ORDER");
    }

    @Test
    void readingCommandsDoNotCreateAMissingDatabase() {
        Run run = run("query");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).startsWith("glyphd-store: No database at " + db);
        assertThat(db).doesNotExist();
    }

    @Test
    void dbOptionOverridesTheEnvironmentAfterOrBeforeTheCommand() {
        Path other = dir.resolve("other.sqlite3");

        assertThat(run("--db", other.toString(), "demo").status()).isZero();
        assertThat(run("imports", "--db", other.toString()).out()).contains("demo-sample");
        assertThat(db).doesNotExist();
    }

    @Test
    void databaseDefaultsToTheEnvironmentThenTheCurrentDirectory() {
        assertThat(location(Map.of())).isEqualTo(Path.of("glyphd-store.sqlite3"));
        assertThat(location(Map.of("GLYPHD_DB_PATH", "/data/g.sqlite3"))).isEqualTo(Path.of("/data/g.sqlite3"));
        assertThat(location(Map.of("GLYPHD_DB_PATH", "/data/g.sqlite3", "GLYPHD_DB_URL", "/data/u.sqlite3")))
                .isEqualTo(Path.of("/data/u.sqlite3"));
        assertThat(location(Map.of("GLYPHD_DB_PATH", "/data/g.sqlite3", "GLYPHD_DB_URL", " ")))
                .isEqualTo(Path.of("/data/g.sqlite3"));
    }

    private static Path location(Map<String, String> variables) {
        StoreLocation location = new GlyphdStoreCommand(new CliEnvironment(variables, false)).location();
        assertThat(location).isInstanceOf(StoreLocation.SqliteFile.class);
        return ((StoreLocation.SqliteFile) location).path();
    }

    @Test
    void showAndDeleteImport() {
        run("import", wamatek.toString(), "--import-id", "w", "--source", "wamatek July");

        Run show = run("show-import", "w");
        Run showJson = run("show-import", "w", "--format", "json");
        Run delete = run("delete-import", "w");
        Run deleteAgain = run("delete-import", "w");
        Run showMissing = run("show-import", "w");

        assertThat(show.out()).contains("import_id    w\n").contains("listings     10530\n")
                .contains("source       wamatek July\n");
        assertThat(showJson.out()).contains("\"recordCount\" : 10530");
        assertThat(delete.out()).isEqualTo("Deleted import w (10530 listings) from " + db + "\n");
        assertThat(deleteAgain.status()).isEqualTo(1);
        assertThat(deleteAgain.err()).isEqualTo("glyphd-store: No import 'w' in " + db
                + "; 'glyphd-store imports' lists them\n");
        assertThat(showMissing.status()).isEqualTo(1);
        assertThat(stored(db, "w")).isEmpty();
    }

    @Test
    void checkReportsASoundDatabaseAndFindsOrphanedListings() throws Exception {
        run("import", wamatek.toString(), "--import-id", "w");

        Run sound = run("check");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                java.sql.Statement s = c.createStatement()) {
            s.execute("PRAGMA foreign_keys = OFF");
            s.execute("DELETE FROM imports WHERE import_id = 'w'");
        }
        Run damaged = run("check");
        Run missing = run("--db", dir.resolve("none.sqlite3").toString(), "check");

        assertThat(sound.status()).isZero();
        assertThat(sound.out()).isEqualTo(db + ": ok (integrity check and foreign-key check found nothing)\n");
        assertThat(damaged.status()).isEqualTo(1);
        assertThat(damaged.out()).startsWith(db + ": 0 integrity problem(s), ").contains("foreign key: ");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("No database at");
        assertThat(dir.resolve("none.sqlite3")).doesNotExist();
    }

    @Test
    void theReadmeQuickStartNamesTheFileDemoWritesWithoutADatabase() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        assertThat(readme).contains("imports the bundled sample into ./" + DemoCommand.DEMO_DB + "\n")
                .contains("as import " + DemoCommand.IMPORT_ID + " into " + DemoCommand.DEMO_DB + " in ");
    }

    @Test
    void demoImportsTheBundledSampleOnceAndShowsTheBestListingPerModel() {
        Run first = run("demo");
        Run second = run("demo", "--top", "3");

        assertThat(first.status()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out()).startsWith("Imported 300 listings from the bundled sample as import demo-sample into "
                + db).contains("Best listing per model (top 10 models by score):\n").contains("IMPORT_ID");
        List<String> best = second.out().lines().dropWhile(l -> !l.startsWith("Best listing"))
                .skip(2).takeWhile(l -> !l.isEmpty()).toList();
        assertThat(best).hasSize(3);
        assertThat(best.get(0)).startsWith("0.5289  RTX_PRO_6000_BLACKWELL");
        List<Listing> sample = stored(db, "demo-sample");
        assertThat(sample).hasSize(300);
        assertThat(run("imports").out().lines()).hasSize(2);
    }

    @Test
    void progressShowsOnlyOnATerminalAndNotWhenQuiet() throws IOException {
        StringBuilder csv = new StringBuilder("canonical_model,price,score\n");
        for (int i = 0; i < 120_000; i++) {
            csv.append("RTX_4090,").append(1000 + i % 500).append(",0.").append(i % 10).append('\n');
        }
        Path large = Files.writeString(dir.resolve("large.csv"), csv, StandardCharsets.UTF_8);

        Run piped = run(false, "import", "--import-id", "large", large.toString());
        Run terminal = run(true, "import", "--import-id", "large", large.toString());
        Run quiet = run(true, "--quiet", "import", "--import-id", "large", large.toString());

        assertThat(piped.err()).isEmpty();
        assertThat(quiet.err()).isEmpty();
        assertThat(terminal.err()).isEqualTo("\rRead 50000 listings...\rRead 100000 listings...\n");
        assertThat(List.of(piped, terminal, quiet)).allSatisfy(r -> {
            assertThat(r.status()).isZero();
            assertThat(r.out()).startsWith("Imported 120000 listings");
        });
    }
}
