package io.glyphd.store.sqlite;

import static io.glyphd.store.sqlite.SqlResults.number;
import static io.glyphd.store.sqlite.SqlResults.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.internal.Migrations;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.PricePoint;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.SqlScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema migrations: a file written by the previous release (schema version 1) opens and upgrades in place. */
class SqliteMigrationTest {
    private static final Instant T = Instant.parse("2025-07-29T06:00:00Z");
    private static final String URL = "https://wamatek.com/products/msi-rtx-5070-12g-shadow-2x-oc";

    @TempDir
    Path dir;

    /** The listings {@link #versionOneFile} holds, as this build reads them back. */
    private static List<Listing> versionOneListings() {
        Listing rtx = Listing.builder().canonicalModel("RTX_5070").price("595.99").score(0.274989).region("USA")
                .condition("New").title("MSI RTX 5070 12G SHADOW 2X OC").sourceUrl(URL).seenAt(T)
                .heuristics(Map.of("listing_age", "Current")).build();
        return List.of(
                rtx.withProvenance("wamatek-1", 1),
                rtx.toBuilder().seenAt(T.plusSeconds(1)).build().withProvenance("wamatek-1", 2),
                Listing.builder().canonicalModel("RTX_4090").price("1599").score(0.33).build()
                        .withProvenance("wamatek-1", 3),
                rtx.toBuilder().price("579.99").seenAt(T.plusSeconds(86_400)).build().withProvenance("wamatek-2", 1));
    }

    /**
     * Writes a file as the previous release left it: the original schema.sql applied with plain JDBC,
     * application_id set, user_version 1, two imports. Rollback journal, so the file alone holds everything.
     */
    private Path versionOneFile(String... extraStatements) throws SQLException {
        Path file = dir.resolve("v1.sqlite3");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : SqlScript.load(SqliteSchema.class, "schema.sql")) {
                s.execute(sql);
            }
            s.execute("PRAGMA application_id = " + SqliteSchema.APPLICATION_ID);
            s.execute("PRAGMA user_version = 1");
            s.execute("INSERT INTO imports (id, import_id, imported_at, source, record_count) VALUES"
                    + " (1, 'wamatek-1', " + JdbcValues.toEpochMicros(T) + ", 'wamatek_scored.csv', 3),"
                    + " (2, 'wamatek-2', " + JdbcValues.toEpochMicros(T.plusSeconds(86_400)) + ", NULL, 1)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO listings (import_key, import_index,"
                    + " canonical_model, price_micros, score, region, condition, title, source_url, seen_at,"
                    + " heuristics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Listing l : versionOneListings()) {
                    insert.setInt(1, l.importId().equals("wamatek-1") ? 1 : 2);
                    insert.setInt(2, l.importIndex());
                    insert.setString(3, l.canonicalModel());
                    insert.setLong(4, SqliteDialect.toMicros(l.price()));
                    insert.setDouble(5, l.score());
                    insert.setString(6, l.region());
                    insert.setString(7, l.condition());
                    insert.setString(8, l.title());
                    insert.setString(9, l.sourceUrl());
                    JdbcValues.setLong(insert, 10, JdbcValues.toEpochMicrosOrNull(l.seenAt()));
                    insert.setString(11, l.heuristics().isEmpty() ? null : "{\"listing_age\":\"Current\"}");
                    insert.executeUpdate();
                }
            }
            for (String sql : extraStatements) {
                s.execute(sql);
            }
            c.commit();
        }
        return file;
    }

    private static Connection raw(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    @Test
    void aVersionOneFileIsUpgradedInPlaceKeepingEveryRow() throws SQLException {
        Path file = versionOneFile();
        assertThat(SqliteSchema.inspect(file)).isEqualTo(SqliteSchema.State.OLDER);

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.path()).isEqualTo(file.toAbsolutePath().normalize());
            assertThat(store.queryListings(ListingQuery.all())).containsExactlyElementsOf(versionOneListings());
            assertThat(store.listImports()).extracting(ImportMetadata::importId, ImportMetadata::recordCount)
                    .containsExactly(tuple("wamatek-2", 1L),
                            tuple("wamatek-1", 3L));
            assertThat(store.history(URL, "rtx_5070")).extracting(PricePoint::importId, PricePoint::rowCount)
                    .containsExactly(tuple("wamatek-1", 2),
                            tuple("wamatek-2", 1));
            assertThat(store.diff("wamatek-1", "wamatek-2").changedCount()).isEqualTo(1);
            store.insertListings(List.of(versionOneListings().get(0)), "after-upgrade");
        }

        assertThat(SqliteSchema.inspect(file)).isEqualTo(SqliteSchema.State.CURRENT);
        try (Connection c = raw(file)) {
            assertThat(number(c, "PRAGMA user_version")).isEqualTo(SqliteSchema.CURRENT_VERSION).isEqualTo(6);
            assertThat(strings(c, "SELECT name FROM pragma_index_info('imports_source') ORDER BY seqno"))
                    .containsExactly("source", "imported_at");
            assertThat(number(c, "PRAGMA application_id")).isEqualTo(SqliteSchema.APPLICATION_ID);
            assertThat(strings(c, "SELECT name FROM pragma_index_info('listings_identity') ORDER BY seqno"))
                    .containsExactly("source_url", "canonical_model", "import_key", "import_index");
            assertThat(strings(c, "SELECT sql FROM sqlite_schema WHERE name = 'listings_identity'")).singleElement()
                    .asString().contains("WHERE source_url IS NOT NULL");
            assertThat(number(c, "SELECT count(*) FROM listings")).isEqualTo(5);
            assertThat(strings(c, "PRAGMA integrity_check")).containsExactly("ok");
            // Version 4: the imports of the earlier release have no fingerprint, and the index skips them.
            assertThat(number(c, "SELECT count(*) FROM imports WHERE fingerprint IS NULL")).isEqualTo(3);
            assertThat(strings(c, "SELECT name FROM pragma_index_info('imports_fingerprint')"))
                    .containsExactly("fingerprint");
            // Version 5: the model indexes carry the import key after the row id.
            assertThat(strings(c, "SELECT name FROM pragma_index_info('listings_model_score') ORDER BY seqno"))
                    .containsExactly("canonical_model", "score", "id", "import_key");
            assertThat(strings(c, "SELECT name FROM pragma_index_info('listings_model_price') ORDER BY seqno"))
                    .containsExactly("canonical_model", "price_micros", "id", "score", "import_key");
        }
    }

    @Test
    void reopeningAnUpgradedFileAppliesNothing() throws SQLException {
        Path file = versionOneFile();
        new SqliteListingStore(file).close();
        long objects;
        try (Connection c = raw(file)) {
            objects = number(c, "SELECT count(*) FROM sqlite_schema");
        }

        try (ListingStore store = new SqliteListingStore(file)) {
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(4);
        }

        try (Connection c = raw(file)) {
            assertThat(number(c, "SELECT count(*) FROM sqlite_schema")).isEqualTo(objects);
        }
    }

    @Test
    void aNewFileGetsEveryMigration() throws SQLException {
        Path file = dir.resolve("new.sqlite3");
        new SqliteListingStore(file).close();

        try (Connection c = raw(file)) {
            assertThat(number(c, "PRAGMA user_version")).isEqualTo(SqliteSchema.CURRENT_VERSION);
            assertThat(strings(c, "SELECT name FROM sqlite_schema WHERE type = 'index'")).contains("listings_identity");
        }
    }

    @Test
    void aReadOnlyOpenRefusesAVersionOneFileAndLeavesItUntouched() throws Exception {
        Path file = versionOneFile();
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> SqliteListingStore.openReadOnly(file))
                .isInstanceOfSatisfying(SchemaVersionException.class, e -> {
                    assertThat(e.found()).isEqualTo(1);
                    assertThat(e.supported()).isEqualTo(SqliteSchema.CURRENT_VERSION);
                })
                .hasMessageContaining("schema version 1 of an older release").hasMessageContaining("migrates");

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aFailingMigrationLeavesTheFileAtVersionOneWithEveryRow() throws SQLException {
        // Someone created an index with the name migration 2 needs, so its CREATE INDEX fails.
        Path file = versionOneFile("CREATE INDEX listings_identity ON imports (source)");

        assertThatThrownBy(() -> new SqliteListingStore(file))
                .isInstanceOfSatisfying(SchemaVersionException.class, e -> {
                    assertThat(e.found()).isEqualTo(1);
                    assertThat(e.supported()).isEqualTo(SqliteSchema.CURRENT_VERSION);
                })
                .hasMessageContaining(file.toString())
                .hasMessageContaining("from schema version 1 to " + SqliteSchema.CURRENT_VERSION)
                .hasMessageContaining("statement 1 of V2__listing_identity.sql").hasMessageContaining("already exists")
                .hasCauseInstanceOf(SQLException.class);

        try (Connection c = raw(file)) {
            assertThat(number(c, "PRAGMA user_version")).isEqualTo(1);
            assertThat(number(c, "SELECT count(*) FROM listings")).isEqualTo(4);
            assertThat(strings(c, "SELECT tbl_name FROM sqlite_schema WHERE name = 'listings_identity'"))
                    .containsExactly("imports");
        }
    }

    /**
     * A database size limit ({@code max_page_count}) that the migration's new index cannot fit under: SQLITE_FULL
     * at the statement, as on a full disk. {@code FileSizeLimitTest} meets a real write failure, at a statement and
     * at the commit, in a child process.
     */
    @Test
    void aMigrationThatFillsTheDatabaseLeavesVersionOneAndSaysSo() throws SQLException {
        Path file = VersionOneFile.write(dir.resolve("big-v1.sqlite3"), 20_000);
        List<String> before = VersionOneFile.snapshot(file);
        try (Connection c = SqliteListingStore.config(false, SqliteListingStore.Synchronous.NORMAL,
                SqliteListingStore.DEFAULT_LOCK_WAIT).createConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA max_page_count = " + (number(c, "PRAGMA page_count") + 2));

            assertThatThrownBy(() -> SqliteSchema.createOrMigrate(c, file))
                    .isExactlyInstanceOf(StoreException.class)
                    .hasMessageStartingWith("Cannot migrate " + file + " from schema version 1 to "
                            + SqliteSchema.CURRENT_VERSION + ": statement 1 of V2__listing_identity.sql failed: the"
                            + " disk (or the database's size limit) is full")
                    .hasMessageContaining("(SQLITE_FULL)")
                    .hasMessageEndingWith("; it was rolled back: the file was left as it was, at schema version 1,"
                            + " and the next writable open migrates it again");
            assertThat(c.getAutoCommit()).as("the connection is back in auto-commit mode").isTrue();
            assertThat(number(c, "PRAGMA user_version")).isEqualTo(1);
        }
        assertThat(VersionOneFile.version(file)).isEqualTo(1);
        assertThat(VersionOneFile.snapshot(file)).isEqualTo(before);
        try (ListingStore store = new SqliteListingStore(file)) {
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(20_000);
        }
        assertThat(VersionOneFile.version(file)).isEqualTo(SqliteSchema.CURRENT_VERSION);
    }

    @Test
    void twoStoresOpeningAVersionOneFileAtOnceMigrateItOnce() throws Exception {
        Path file = versionOneFile();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<CompletableFuture<Long>> counts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                counts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    try (ListingStore store = new SqliteListingStore(file)) {
                        return store.countListings(ListingQuery.all());
                    }
                }, pool));
            }
            start.countDown();

            assertThat(counts).allSatisfy(count -> assertThat(count.get()).isEqualTo(4));
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = raw(file)) {
            assertThat(number(c, "PRAGMA user_version")).isEqualTo(SqliteSchema.CURRENT_VERSION);
            assertThat(number(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'listings_identity'")).isEqualTo(1);
        }
    }

    @Test
    void migrationScriptsAreNumberedWithoutGapsAndLoad() {
        assertThat(Migrations.checkNames(SqliteSchema.MIGRATIONS))
                .isEqualTo(SqliteSchema.MIGRATIONS.size()).isEqualTo(SqliteSchema.CURRENT_VERSION);
        for (String script : SqliteSchema.MIGRATIONS) {
            assertThat(SqlScript.load(SqliteSchema.class, script)).as(script).isNotEmpty();
        }
    }

    @Test
    void misnumberedMigrationListsAreRejected() {
        assertThatThrownBy(() -> Migrations.checkNames(List.of("V2__a.sql")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("schema.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("schema.sql", "V3__skipped.sql")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("migration 2 must be named V2__")
                .hasMessageContaining("V3__skipped.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("schema.sql", "V2__a.sql", "V2__b.sql")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("V2__b.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("schema.sql", "V2__Add Region.sql")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("V2__Add Region.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of()))
                .isInstanceOf(IllegalStateException.class);
    }
}
