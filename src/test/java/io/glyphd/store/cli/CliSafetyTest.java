package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.SqlScript;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command line must not do, in process: write through a read command, import the same file twice by
 * accident, let a scraped title drive the terminal or a spreadsheet.
 */
class CliSafetyTest {
    /** Every read command, with the arguments it needs. */
    private static final List<List<String>> READ_COMMANDS = List.of(List.of("query"), List.of("stats"),
            List.of("imports"), List.of("history", "https://example.com/a", "RTX_4090"), List.of("diff", "a", "b"),
            List.of("show-import", "a"), List.of("check"));

    @TempDir
    Path dir;
    Path db;
    Path wamatek;

    @BeforeEach
    void files() throws IOException {
        db = dir.resolve("store.sqlite3");
        wamatek = dir.resolve("wamatek_scored.csv");
        try (InputStream in = CliSafetyTest.class.getResourceAsStream("/data/wamatek_scored.csv")) {
            Files.copy(in, wamatek);
        }
    }

    private CliRunner.Run run(String... args) {
        return CliRunner.run(Map.of(CliEnvironment.DB_PATH_VARIABLE, db.toString()), false, args);
    }

    private static String[] with(List<String> command, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    /** Writes a store as the first release left it: schema version 1, rollback journal, one import. */
    private void versionOneStore() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : SqlScript.load(SqliteListingStore.class, "schema.sql")) {
                s.execute(sql);
            }
            s.execute("PRAGMA application_id = 1196185936");
            s.execute("PRAGMA user_version = 1");
            s.execute("INSERT INTO imports (id, import_id, imported_at, record_count) VALUES (1, 'a', 0, 1)");
            s.execute("INSERT INTO listings (import_key, import_index, canonical_model, price_micros, score)"
                    + " VALUES (1, 1, 'RTX_4090', 1599000000, 0.33)");
            c.commit();
        }
    }

    @Test
    void readCommandsRefuseAStoreOfAnOlderReleaseLeaveItAsItWasAndNameMigrate() throws Exception {
        versionOneStore();
        byte[] before = Files.readAllBytes(db);

        for (List<String> command : READ_COMMANDS) {
            CliRunner.Run run = run(with(command));

            assertThat(run.status()).as(command.toString()).isEqualTo(1);
            assertThat(run.err()).as(command.toString()).startsWith("glyphd-store: " + db + " is a store of an older"
                    + " release (schema version 1; this build reads version 6). Read commands never write, so it was"
                    + " left as it was; run 'glyphd-store migrate' (with the same --db) once to upgrade it in place");
            assertThat(Files.readAllBytes(db)).as(command + " left the file as it was").isEqualTo(before);
        }

        CliRunner.Run migrate = run("migrate");
        assertThat(migrate.status()).as(migrate.err()).isZero();
        assertThat(migrate.out()).isEqualTo("Migrated " + db + " from schema version 1 to 6.\n");
        assertThat(run("show-import", "a").out()).contains("listings     1");
        assertThat(run("migrate").out()).isEqualTo(db + " is current; nothing to migrate.\n");
    }

    @Test
    void readCommandsOnAMissingOrEmptyFileSayThereIsNoStoreAndCreateNothing() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.sqlite3"));
        for (List<String> command : READ_COMMANDS) {
            CliRunner.Run missing = run(with(command));
            CliRunner.Run zero = run(with(command, "--db", empty.toString()));

            assertThat(missing.status()).as(command.toString()).isEqualTo(1);
            assertThat(missing.err()).as(command.toString()).startsWith("glyphd-store: No database at " + db + ";");
            assertThat(db).doesNotExist();
            assertThat(zero.status()).as(command.toString()).isEqualTo(1);
            assertThat(zero.err()).as(command.toString())
                    .startsWith("glyphd-store: No database at " + empty + " (the file is empty)");
            assertThat(empty).isEmptyFile();
        }
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("wamatek_scored.csv", "empty.sqlite3");
    }

    @Test
    void importingAFileThatAnotherImportHoldsIsRefusedAndNamesTheWaysOut() throws Exception {
        String sha = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(wamatek)));
        assertThat(run("import", wamatek.toString(), "--import-id", "july").status()).isZero();

        CliRunner.Run again = run("import", wamatek.toString());
        CliRunner.Run otherId = run("import", wamatek.toString(), "--import-id", "july-copy");

        assertThat(again.status()).isEqualTo(1);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).matches("glyphd-store: \\Q" + wamatek + " is already in " + db + ": import july"
                + " (10530 listings, imported at \\E[0-9T:.Z-]+\\Q) holds the same bytes (" + sha + "), and importing"
                + " it as import \\E[0-9a-f-]{36}\\Q would store its listings twice. To replace that import, run the"
                + " command again with --import-id july; to import it again anyway, add --allow-duplicate. Nothing"
                + " was imported.\\E\n");
        assertThat(otherId.status()).isEqualTo(1);
        assertThat(otherId.err()).contains("as import july-copy would store its listings twice");
        assertThat(run("imports").out().lines()).hasSize(2);

        CliRunner.Run replace = run("import", wamatek.toString(), "--import-id", "july");
        CliRunner.Run allowed = run("import", wamatek.toString(), "--import-id", "july-copy", "--allow-duplicate");
        CliRunner.Run quiet = run("-q", "import", wamatek.toString(), "--import-id", "third", "--allow-duplicate");

        assertThat(replace.status()).isZero();
        assertThat(replace.out()).endsWith("(replaced 10530 listings)\n");
        assertThat(allowed.status()).isZero();
        assertThat(allowed.err()).startsWith("glyphd-store: warning: import july (10530 listings, imported at ")
                .contains("already holds " + wamatek + "; importing it again as import july-copy (--allow-duplicate)");
        assertThat(quiet.status()).isZero();
        assertThat(quiet.err()).isEmpty();
        try (ListingStore store = SqliteListingStore.openReadOnly(db)) {
            assertThat(store.findImportsByFingerprint(sha)).extracting(i -> i.importId())
                    .containsExactlyInAnyOrder("july", "july-copy", "third");
        }
        assertThat(run("show-import", "july").out()).contains("fingerprint  " + sha + "\n");
        assertThat(run("imports", "--format", "json").out()).contains("\"fingerprint\" : \"" + sha + "\"");
    }

    @Test
    void severalFilesHaveOneFingerprintOfTheirDigestsInOrder() throws Exception {
        Path small = Files.writeString(dir.resolve("small.csv"), "canonical_model,price,score\nA100,1,0.5\n");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(small)));
        sha256.update(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(wamatek)));
        String expected = "sha256-files:" + HexFormat.of().formatHex(sha256.digest());

        assertThat(run("import", small.toString(), wamatek.toString(), "--import-id", "both").status()).isZero();
        CliRunner.Run reversed = run("import", wamatek.toString(), small.toString(), "--import-id", "reversed");
        CliRunner.Run alone = run("import", small.toString(), "--import-id", "alone");

        assertThat(run("show-import", "both").out()).contains("fingerprint  " + expected + "\n");
        assertThat(reversed.status()).as("another order is other input").isZero();
        assertThat(alone.status()).as("one of the files alone is other input").isZero();
        assertThat(run("import", small.toString(), wamatek.toString()).err()).contains("import both");
    }

    @Test
    void aFileThatChangesWhileItIsImportedFailsTheImport() throws IOException {
        Path file = Files.writeString(dir.resolve("growing.csv"), "canonical_model,price,score\nA100,1,0.5\n");
        InputFingerprint fingerprint = InputFingerprint.of(List.of(file));
        Files.writeString(file, "canonical_model,price,score\nA100,2,0.5\n");

        try (ListingStore store = new SqliteListingStore(db);
                MultiFileReader reader = new MultiFileReader(List.of(file), List.of(ListingFormat.CSV),
                        fingerprint)) {
            assertThatThrownBy(() -> store.importListings(reader, io.glyphd.store.ImportRequest.of("x")
                    .withFingerprint(fingerprint.value())))
                    .isInstanceOf(StoreException.class).hasMessage(file + " changed while it was being imported (its"
                            + " bytes are not the ones fingerprinted before the import started); nothing was imported");
            assertThat(store.listImports()).isEmpty();
        }
    }

    /** Titles a scraper may bring in: formulas, control characters, and text that only looks like them. */
    private static final List<String> HOSTILE = List.of("=HYPERLINK(\"http://evil.example/\",\"Click\")", "+1+1",
            "-2+3", "@SUM(A1:A2)", "\tTabbed", "\rReturned", "'=already quoted", "''+twice", "'plain apostrophe", "'",
            "-", "=", "plain title", "red \u001b[31mESC\u001b[0m and bell\u0007", "right\u202eto left", "A - B = C");

    private Path hostileCsv() throws IOException {
        CsvMapper csv = new CsvMapper();
        StringBuilder text = new StringBuilder("canonical_model,price,score,title,seller,region,source_url\n");
        for (int i = 0; i < HOSTILE.size(); i++) {
            String hostile = HOSTILE.get(i);
            text.append(csv.writeValueAsString(new String[] {"RTX_4090", Integer.toString(1000 + i), "0.5", hostile,
                hostile, "=cmd|' /C calc'!A0", "@" + i}).strip()).append('\n');
        }
        return Files.writeString(dir.resolve("hostile.csv"), text, StandardCharsets.UTF_8);
    }

    @Test
    void csvExportsNeutraliseFormulasAndImportReadsThemBackExactly() throws IOException {
        assertThat(run("import", hostileCsv().toString(), "--import-id", "hostile").status()).isZero();
        List<Listing> imported;
        try (ListingStore store = SqliteListingStore.openReadOnly(db)) {
            imported = CliRunner.listings(store, "hostile");
        }
        assertThat(imported).extracting(Listing::title).containsExactlyElementsOf(HOSTILE);

        CliRunner.Run export = run("query", "--import-id", "hostile", "--order", "import", "--all", "--format", "csv");

        assertThat(export.status()).isZero();
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> cells = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .readerFor(String[].class).readValues(export.out())) {
            cells.forEachRemaining(rows::add);
        }
        List<String> header = List.of(rows.remove(0));
        assertThat(rows).hasSize(HOSTILE.size()).allSatisfy(row -> {
            for (String column : List.of("canonical_model", "title", "seller", "region", "source_url")) {
                String cell = row[header.indexOf(column)];
                assertThat(cell).as(column).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-")
                        .doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r");
            }
        });
        assertThat(rows).extracting(row -> row[header.indexOf("title")]).containsExactly(
                "'=HYPERLINK(\"http://evil.example/\",\"Click\")", "'+1+1", "'-2+3", "'@SUM(A1:A2)", "'\tTabbed",
                "'\rReturned", "''=already quoted", "'''+twice", "'plain apostrophe", "'", "'-", "'=", "plain title",
                "red \u001b[31mESC\u001b[0m and bell\u0007", "right\u202eto left", "A - B = C");
        assertThat(rows).extracting(row -> row[header.indexOf("region")]).containsOnly("'=cmd|' /C calc'!A0");

        Path exported = Files.writeString(dir.resolve("exported.csv"), export.out(), StandardCharsets.UTF_8);
        assertThat(run("import", exported.toString(), "--import-id", "again").status()).isZero();
        try (ListingStore store = SqliteListingStore.openReadOnly(db)) {
            assertThat(CliRunner.listings(store, "again")).usingRecursiveFieldByFieldElementComparatorIgnoringFields(
                    "importId").containsExactlyElementsOf(imported);
        }
    }

    @Test
    void tablesAndMessagesEscapeControlCharacters() throws IOException {
        assertThat(run("import", hostileCsv().toString(), "--import-id", "hostile").status()).isZero();
        Path bad = Files.writeString(dir.resolve("bad.csv"),
                "canonical_model,price,score\nA100,\u001b]0;owned\u0007,0.5\n");

        CliRunner.Run table = run("query", "--import-id", "hostile", "--order", "import", "--all");
        CliRunner.Run stats = run("stats", "--import-id", "hostile");
        CliRunner.Run failed = run("import", bad.toString());

        assertThat(table.status()).isZero();
        assertThat(table.out() + stats.out() + failed.err()).doesNotContain("\u001b", "\u0007", "\u202e", "\r");
        assertThat(table.out()).contains("red \\x1B[31mESC\\x1B[0m and bell\\x07", "right\\u202Eto left",
                "  Tabbed\n", "  Returned\n");
        assertThat(failed.err()).contains("not a number: '\\x1B]0;owned\\x07'");
        assertThat(TerminalText.escape("a\u0085b\u009bc\u007fd\\x")) // C1 controls and DEL
                .isEqualTo("a\\x85b\\x9Bc\\x7Fd\\x");
        assertThat(TerminalText.escapeKeepingLines("one\ntwo\u001b")).isEqualTo("one\ntwo\\x1B");
    }
}
