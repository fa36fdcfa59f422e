package io.glyphd.store.cli;

import static io.glyphd.store.cli.CliRunner.parameter;
import static io.glyphd.store.cli.CliRunner.passwordVariables;
import static io.glyphd.store.cli.CliRunner.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import io.glyphd.store.cli.CliRunner.Run;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingReader;
import io.glyphd.store.postgres.PostgresListingStore;
import io.glyphd.store.postgres.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line on a PostgreSQL store, named by a {@code jdbc:postgresql:} URL with the password in the
 * environment (as {@code $PGPASSWORD}), each test in a schema of its own of one shared database; what it prints is
 * compared with what it prints for the same data in a SQLite file.
 */
class PostgresCliTest {
    private static final String DURATION = "\\d+(\\.\\d+)? (ms|s)";
    private static final String REFUSED = "must never be part of it, as other users see the command line and the"
            + " shell keeps it in its history";
    private static final String WHERE_INSTEAD = "give the password in $PGPASSWORD or $GLYPHD_DB_PASSWORD, or in a"
            + " file named by --password-file PATH";

    @TempDir
    Path dir;
    Path wamatek;
    String schema;
    String url;
    /** How messages name the PostgreSQL store: the URL without its parameters, and the schema. */
    String shown;
    Map<String, String> postgres;
    Map<String, String> sqlite;

    @BeforeEach
    void stores() throws IOException {
        wamatek = dir.resolve("wamatek_scored.csv");
        try (InputStream in = PostgresCliTest.class.getResourceAsStream("/data/wamatek_scored.csv")) {
            Files.copy(in, wamatek);
        }
        schema = CliRunner.freshSchema();
        url = CliRunner.url(schema);
        shown = url.substring(0, url.indexOf('?')) + " (schema " + schema + ")";
        postgres = passwordVariables();
        postgres.put(CliEnvironment.DB_URL_VARIABLE, url);
        sqlite = Map.of(CliEnvironment.DB_PATH_VARIABLE, dir.resolve("store.sqlite3").toString());
    }

    private Run postgres(String... args) {
        return run(postgres, false, args);
    }

    private Run sqlite(String... args) {
        return run(sqlite, false, args);
    }

    private static List<Listing> read(Run run, ListingFormat format) {
        assertThat(run.status()).as(run.err()).isZero();
        try (ListingReader reader = ListingReader.open(new StringReader(run.out()), format, "stdout")) {
            List<Listing> listings = new ArrayList<>();
            reader.forEachRemaining(listings::add);
            return listings;
        }
    }

    private PostgresListingStore openReadOnly() {
        return PostgresListingStore.builder(PostgresServer.shared().dataSource(CliRunner.database())).schema(schema)
                .readOnly(true).build();
    }

    @Test
    void importQueryStatsCheckAndDeleteImportWorkOnPostgresqlAsOnSqlite() {
        Run imported = postgres("import", wamatek.toString(), "--import-id", "w", "--source", "wamatek July");
        sqlite("import", wamatek.toString(), "--import-id", "w", "--source", "wamatek July");

        assertThat(imported.status()).as(imported.err()).isZero();
        assertThat(imported.err()).isEmpty();
        assertThat(imported.out()).matches("Imported 10530 listings from \\Q" + wamatek + "\\E as import w into \\Q"
                + shown + "\\E in " + DURATION + "\n");
        for (List<String> args : List.of(List.of("query", "--model", "rtx_4070", "--order", "price", "--limit", "3"),
                List.of("query", "--import-id", "none"),
                // The table: an average score's last digits depend on the order a backend sums in.
                List.of("stats"),
                List.of("stats", "--min-score", "0.45", "--region", "usa"),
                List.of("diff", "w", "w", "--format", "json"))) {
            String[] command = args.toArray(String[]::new);
            assertThat(postgres(command)).as(String.join(" ", args)).isEqualTo(sqlite(command));
        }
        // Exports hold heuristics as each store keeps the JSON text (PostgreSQL's jsonb orders the keys its own way),
        // so they are compared as the listings they read back as.
        for (List<String> args : List.of(List.of("query", "--order", "import", "--all", "--format", "csv"),
                List.of("query", "--format", "json", "--min-score", "0.45", "--region", "usa", "--limit", "50"))) {
            String[] command = args.toArray(String[]::new);
            ListingFormat format = args.contains("csv") ? ListingFormat.CSV : ListingFormat.JSON;
            List<Listing> fromPostgres = read(postgres(command), format);
            assertThat(fromPostgres).as(String.join(" ", args)).isNotEmpty()
                    .containsExactlyElementsOf(read(sqlite(command), format));
        }
        assertThat(read(postgres("query", "--all", "--format", "csv"), ListingFormat.CSV)).hasSize(10_530);
        // The import's time differs between the two stores; CopyCliTest compares history on equal times.
        assertThat(postgres("history", "https://wamatek.com/products/gt-1030-4gd4-lp-oc-1", "GT_1030").out())
                .containsPattern("\\nw  +\\S+Z  +99\\.99  +0\\.2983  +19\\n");

        Run check = postgres("check");
        Run show = postgres("show-import", "w");
        Run delete = postgres("delete-import", "w");
        Run deleteAgain = postgres("delete-import", "w");
        Run imports = postgres("imports");

        assertThat(check.status()).isZero();
        assertThat(check.out())
                .isEqualTo(shown + ": ok (row-count, numbering, orphan and index checks found nothing)\n");
        assertThat(show.out()).contains("import_id    w\n", "listings     10530\n", "source       wamatek July\n");
        assertThat(delete.out()).isEqualTo("Deleted import w (10530 listings) from " + shown + "\n");
        assertThat(deleteAgain.status()).isEqualTo(1);
        assertThat(deleteAgain.err()).isEqualTo("glyphd-store: No import 'w' in " + shown
                + "; 'glyphd-store imports' lists them\n");
        assertThat(imports.status()).isZero();
        assertThat(imports.err()).isEqualTo("No imports in " + shown + ".\n");
    }

    @Test
    void demoRunsOnPostgresqlNamedByTheDbOption() {
        Run demo = run(passwordVariables(), false, "--db", url, "demo", "--top", "3");

        assertThat(demo.status()).as(demo.err()).isZero();
        assertThat(demo.out()).startsWith("Imported 300 listings from the bundled sample as import demo-sample into "
                + shown + " in ").contains("0.5289  RTX_PRO_6000_BLACKWELL").contains("Imports in " + shown + ":");
    }

    @Test
    void aUrlWithAPasswordIsRefusedAsAUsageErrorWithoutRepeatingIt() {
        String secret = "Hunter2-s3cret";
        List<String> urls = List.of(parameter(url, "password=" + secret), parameter(url, "PassWord=" + secret),
                parameter(url, "sslpassword=" + secret), parameter(url, "pass%77ord=" + secret),
                url.replace("jdbc:postgresql://", "jdbc:postgresql://" + PostgresServer.shared().user() + ":" + secret
                        + "@"));
        for (String withPassword : urls) {
            Map<String, String> inVariable = new HashMap<>(passwordVariables());
            inVariable.put(CliEnvironment.DB_URL_VARIABLE, withPassword);
            for (Run refused : List.of(run(passwordVariables(), false, "--db", withPassword, "import",
                    wamatek.toString()), run(inVariable, false, "-vv", "imports"))) {
                assertThat(refused.status()).as(withPassword).isEqualTo(2);
                assertThat(refused.out()).isEmpty();
                assertThat(refused.err()).as(withPassword).contains(REFUSED, WHERE_INSTEAD).doesNotContain(secret);
            }
        }
        assertThat(run(passwordVariables(), false, "--db", urls.get(0), "imports").err())
                .startsWith("glyphd-store: --db: the PostgreSQL URL holds password=; a password " + REFUSED
                        + ": remove it, and " + WHERE_INSTEAD + "\nTry 'glyphd-store imports --help'");
        assertThatThrownBy(this::openReadOnly).isInstanceOf(StoreException.class)
                .hasMessageContaining("there is no glyphd-store schema there");
    }

    @Test
    void thePasswordComesFromAFileOrTheEnvironment() throws IOException {
        // The test server may trust local connections, and then any password does; a real one is never printed.
        String password = PostgresServer.shared().password() == null ? "unused-but-secret"
                : PostgresServer.shared().password();
        Path file = Files.writeString(dir.resolve("password.txt"), password + "\n");
        Map<String, String> urlOnly = Map.of(CliEnvironment.DB_URL_VARIABLE, url);
        Map<String, String> glyphdVariable = Map.of(CliEnvironment.DB_URL_VARIABLE, url,
                CliEnvironment.DB_PASSWORD_VARIABLE, password);

        Run fromFile = run(urlOnly, false, "--password-file", file.toString(), "import", wamatek.toString(),
                "--import-id", "w");
        Run fromVariable = run(glyphdVariable, false, "imports");
        Run fromPgpassword = postgres("check");
        Run missing = run(urlOnly, false, "--password-file", dir.resolve("none.txt").toString(), "imports");
        Run empty = run(urlOnly, false, "--password-file", Files.writeString(dir.resolve("empty.txt"), "\n")
                .toString(), "imports");
        Run twoLines = run(urlOnly, false, "--password-file", Files.writeString(dir.resolve("two.txt"), password
                + "\nmore\n").toString(), "imports");

        assertThat(List.of(fromFile, fromVariable, fromPgpassword)).allSatisfy(r -> {
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
        });
        assertThat(fromVariable.out()).contains("w ").contains("10530");
        assertThat(missing.err()).isEqualTo("glyphd-store: Cannot read the password file " + dir.resolve("none.txt")
                + ": no such file\n");
        assertThat(empty.err()).isEqualTo("glyphd-store: The password file " + dir.resolve("empty.txt")
                + " is empty\n");
        assertThat(twoLines.err()).contains("holds more than one line; put only the password in it");
        assertThat(List.of(missing, empty, twoLines)).allSatisfy(r -> assertThat(r.status()).isEqualTo(1));
        assertThat(List.of(fromFile, fromVariable, fromPgpassword, missing, empty, twoLines)).allSatisfy(r -> {
            assertThat(r.out()).doesNotContain(password);
            assertThat(r.err()).doesNotContain(password);
        });
    }

    @Test
    void readingCommandsDoNotCreateAMissingSchema() {
        for (String command : List.of("query", "imports", "stats", "check")) {
            Run run = postgres(command);

            assertThat(run.status()).as(command).isEqualTo(1);
            assertThat(run.err()).as(command).startsWith("glyphd-store: Cannot open PostgreSQL ")
                    .contains("schema " + schema + " read-only: there is no glyphd-store schema there");
        }
        assertThatThrownBy(this::openReadOnly).isInstanceOf(StoreException.class)
                .hasMessageContaining("there is no glyphd-store schema there");
    }

    @Test
    void badStoreNamesAreUsageErrorsThatSayWhatIsWrong() {
        assertThat(postgresUsage(parameter(url, "currentSchema=x")))
                .contains("gives currentSchema=, which does not choose where the store's tables are; use schema=NAME");
        assertThat(postgresUsage(CliRunner.url("Not_Lower")))
                .contains("--db: the PostgreSQL URL's schema= is not usable: schema must be a lower-case identifier");
        assertThat(postgresUsage(parameter(url, "schema=other"))).contains("gives schema= twice");
        assertThat(postgresUsage("jdbc:postgresql://127.0.0.1:port/db"))
                .contains("the PostgreSQL JDBC driver cannot read this URL");
        assertThat(postgresUsage("postgresql://127.0.0.1/db?user=me"))
                .startsWith("glyphd-store: --db names a URL that is not a jdbc:postgresql: URL;");
        assertThat(postgresUsage("jdbc:sqlite:store.sqlite3")).contains("not a jdbc:postgresql: URL");
        assertThat(postgresUsage("")).startsWith("glyphd-store: --db must not be empty\n");
        Run fromVariable = run(Map.of(CliEnvironment.DB_URL_VARIABLE, "postgres://h/db"), false, "imports");
        assertThat(fromVariable.status()).isEqualTo(2);
        assertThat(fromVariable.err()).startsWith("glyphd-store: $GLYPHD_DB_URL names a URL that is not a");
    }

    private String postgresUsage(String db) {
        Run run = run(passwordVariables(), false, "--db", db, "query");
        assertThat(run.status()).as(db).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        return run.err();
    }
}
