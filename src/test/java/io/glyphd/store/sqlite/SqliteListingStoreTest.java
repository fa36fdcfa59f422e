package io.glyphd.store.sqlite;

import static io.glyphd.store.sqlite.SqlResults.number;
import static io.glyphd.store.sqlite.SqlResults.strings;
import static io.glyphd.store.TestListings.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ListingStoreContract;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.JdbcValues;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SqliteListingStoreTest extends ListingStoreContract {

    @Override
    protected ListingStore openStore(Path dir) {
        return new SqliteListingStore(dir.resolve("listings.sqlite3"));
    }

    @Override
    protected void runSql(String sql) {
        ((SqliteListingStore) store).withConnection(c -> {
            try (java.sql.Statement statement = c.createStatement()) {
                return statement.execute(sql);
            }
        });
    }

    private Path file() {
        return dir.resolve("listings.sqlite3");
    }

    @Override
    protected void setImportedAt(String importId, Instant importedAt) {
        try (Connection c = raw(); PreparedStatement update = c.prepareStatement(
                "UPDATE imports SET imported_at = ? WHERE import_id = ?")) {
            update.setLong(1, JdbcValues.toEpochMicros(importedAt));
            update.setString(2, importId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a TRUNCATE checkpoint without waiting; returns true if a reader kept it from finishing. */
    private boolean checkpointIsBlocked() throws SQLException {
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                rs.next();
                return rs.getInt(1) != 0;
            }
        }
    }

    @Test
    void aStreamBetweenPagesHoldsNoReadTransaction() throws SQLException {
        store.insertListings(sample(30), "b");

        try (Stream<Listing> listings = store.streamListings(ListingQuery.builder().limit(10).build())) {
            Iterator<Listing> it = listings.iterator();
            for (int i = 0; i < 15; i++) {
                it.next();
            }
            store.insertListings(sample(1), "meanwhile");
            try (Connection reader = raw()) {
                reader.setAutoCommit(false);
                reader.createStatement().executeQuery("SELECT count(*) FROM listings").close();
                assertThat(checkpointIsBlocked()).as("control: an open read transaction blocks it").isTrue();
            }

            assertThat(checkpointIsBlocked()).isFalse();
            assertThat(it.hasNext()).isTrue();
        }
    }

    /** A separate plain JDBC connection to the store's file, as another tool would open it. */
    private Connection raw() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file());
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA foreign_keys = ON");
        }
        return connection;
    }

    @Test
    void theFirstOpenCreatesTablesIndexesAndTriggers() throws SQLException {
        try (Connection c = raw()) {
            assertThat(strings(c, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"))
                    .containsExactly("imports", "listings");
            assertThat(strings(c, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"))
                    .contains("listings_model_score", "listings_model_price", "listings_score", "listings_price",
                            "listings_region_seen", "listings_seen", "imports_imported_at");
            assertThat(strings(c, "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"))
                    .containsExactly("listings_keep_provenance", "listings_touch_updated_at");
            assertThat(number(c, "PRAGMA user_version")).isEqualTo(SqliteSchema.CURRENT_VERSION);
            assertThat(number(c, "PRAGMA application_id")).isEqualTo(SqliteSchema.APPLICATION_ID);
        }
    }

    @Test
    void everyConnectionHasTheDocumentedSettings() throws SQLException {
        SqliteListingStore sqlite = (SqliteListingStore) store;
        sqlite.withConnection(c -> {
            assertThat(number(c, "PRAGMA foreign_keys")).isEqualTo(1);
            assertThat(strings(c, "PRAGMA journal_mode")).containsExactly("wal");
            assertThat(number(c, "PRAGMA synchronous")).isEqualTo(1);
            // The store's busy handler (BusyWait) replaces SQLite's busy timeout, which then reads 0.
            assertThat(number(c, "PRAGMA busy_timeout")).isZero();
            return null;
        });
    }

    @Test
    void reopeningKeepsTheDataAndAppliesNothing() throws SQLException {
        store.insertListings(sample(3), "b");
        store.close();
        long schemaObjects;
        try (Connection c = raw()) {
            c.createStatement().execute("CREATE TABLE marker (x)");
            schemaObjects = number(c, "SELECT count(*) FROM sqlite_schema");
        }

        store = new SqliteListingStore(file());

        assertThat(store.countListings(ListingQuery.all())).isEqualTo(3);
        try (Connection c = raw()) {
            assertThat(number(c, "SELECT count(*) FROM sqlite_schema")).isEqualTo(schemaObjects);
        }
    }

    @Test
    void listingsReferenceTheirImportThroughAForeignKey() throws SQLException {
        store.insertListings(sample(2), "b");

        try (Connection c = raw()) {
            assertThat(number(c, "SELECT count(*) FROM listings l JOIN imports i ON i.id = l.import_key"
                    + " WHERE i.import_id = 'b'")).isEqualTo(2);
            assertThatThrownBy(() -> c.createStatement().execute("INSERT INTO listings (import_key, import_index,"
                    + " canonical_model, price_micros, score) VALUES (999, 1, 'X', 1, 0.5)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("FOREIGN KEY");
            c.createStatement().execute("DELETE FROM imports WHERE import_id = 'b'");
            assertThat(number(c, "SELECT count(*) FROM listings")).isZero();
        }
    }

    @Test
    void theUpdatedAtTriggerFires() throws SQLException {
        store.insertListings(sample(1), "b");

        try (Connection c = raw()) {
            c.createStatement().execute("UPDATE listings SET updated_at = 0");
            c.createStatement().execute("UPDATE listings SET score = 0.99");
            long updatedAt = number(c, "SELECT updated_at FROM listings");
            long createdAt = number(c, "SELECT created_at FROM listings");
            assertThat(updatedAt).isGreaterThanOrEqualTo(createdAt).isGreaterThan(0);
        }
    }

    @Test
    void theProvenanceTriggerRefusesToMoveAListing() throws SQLException {
        store.insertListings(sample(2), "b");

        try (Connection c = raw()) {
            assertThatThrownBy(() -> c.createStatement().execute("UPDATE listings SET import_index = 7"
                    + " WHERE import_index = 1")).isInstanceOf(SQLException.class).hasMessageContaining("provenance");
            assertThat(strings(c, "SELECT import_index FROM listings ORDER BY import_index")).containsExactly("1", "2");
        }
    }

    @Test
    void aRowTheSchemaRefusesFailsTheImportNamingThatRow() throws SQLException {
        store.insertListings(sample(2), "b");
        try (Connection c = raw()) {
            c.createStatement().execute("CREATE TRIGGER refuse_bad BEFORE INSERT ON listings"
                    + " WHEN NEW.canonical_model = 'BAD' BEGIN SELECT RAISE(ABORT, 'BAD is refused'); END");
        }
        List<Listing> listings = new ArrayList<>(sample(2_500));
        listings.set(1_733, Listing.builder().canonicalModel("BAD").price("1").score(0.5).build());

        assertThatThrownBy(() -> store.insertListings(listings, "b"))
                .isInstanceOfSatisfying(InvalidListingException.class, e -> assertThat(e.rowIndex()).isEqualTo(1_734))
                .hasMessageContaining("import b").hasMessageContaining("row 1734")
                .hasMessageContaining("BAD is refused");

        assertThat(store.countListings(ListingQuery.all())).isEqualTo(2);
        assertThat(store.queryListings(ListingQuery.all())).extracting(Listing::importIndex).containsExactly(1, 2);
    }

    @Test
    void pricesAreStoredAsExactMicroDollars() throws SQLException {
        store.insertListings(List.of(Listing.builder().canonicalModel("A").price("595.99").score(0.5).build()), "b");

        try (Connection c = raw()) {
            assertThat(number(c, "SELECT price_micros FROM listings")).isEqualTo(595_990_000L);
        }
    }

    @Test
    void aNewerSchemaVersionIsRefusedAndTheFileLeftUntouched() throws Exception {
        store.close();
        try (Connection c = raw()) {
            c.createStatement().execute("PRAGMA user_version = " + (SqliteSchema.CURRENT_VERSION + 1));
            c.createStatement().execute("PRAGMA journal_mode = DELETE");
        }
        byte[] before = Files.readAllBytes(file());

        assertThatThrownBy(() -> new SqliteListingStore(file()))
                .isInstanceOfSatisfying(SchemaVersionException.class, e -> {
                    assertThat(e.found()).isEqualTo(SqliteSchema.CURRENT_VERSION + 1);
                    assertThat(e.supported()).isEqualTo(SqliteSchema.CURRENT_VERSION);
                })
                .hasMessageContaining(file().toString())
                .hasMessageContaining("schema version " + (SqliteSchema.CURRENT_VERSION + 1));

        assertThat(Files.readAllBytes(file())).isEqualTo(before);
    }

    @Test
    void aTextFileIsRefusedAndLeftUntouched() throws IOException {
        Path text = dir.resolve("notes.sqlite3");
        Files.writeString(text, "canonical_model,price\nRTX_4090,1500\n".repeat(20));
        byte[] before = Files.readAllBytes(text);

        assertThatThrownBy(() -> new SqliteListingStore(text)).isInstanceOf(SchemaVersionException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("not a SQLite database");

        assertThat(Files.readAllBytes(text)).isEqualTo(before);
        assertThat(dir.resolve("notes.sqlite3-wal")).doesNotExist();
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path foreign = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign)) {
            c.createStatement().execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
            c.createStatement().execute("PRAGMA application_id = 42");
        }
        byte[] before = Files.readAllBytes(foreign);

        assertThatThrownBy(() -> new SqliteListingStore(foreign)).isInstanceOf(SchemaVersionException.class)
                .hasMessageContaining("another application").hasMessageContaining("application_id 42");

        assertThat(Files.readAllBytes(foreign)).isEqualTo(before);
    }

    @Test
    void aZeroByteFileBecomesANewStore() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.sqlite3"));

        try (ListingStore fresh = new SqliteListingStore(empty)) {
            fresh.insertListings(sample(1), "b");
            assertThat(fresh.countListings(ListingQuery.all())).isEqualTo(1);
        }
    }

    @Test
    void missingParentDirectoriesAreCreated() {
        Path nested = dir.resolve("a/b/c/listings.sqlite3");

        try (ListingStore nestedStore = new SqliteListingStore(nested.toString())) {
            nestedStore.insertListings(sample(1), "b");
        }

        assertThat(nested).isRegularFile();
    }

    @Test
    void aReadOnlyStoreServesQueriesAndRefusesWrites() {
        store.insertListings(sample(3), "b");
        store.close();

        try (SqliteListingStore readOnly = SqliteListingStore.openReadOnly(file())) {
            assertThat(readOnly.isReadOnly()).isTrue();
            assertThat(readOnly.countListings(ListingQuery.all())).isEqualTo(3);
            assertThatThrownBy(() -> readOnly.insertListings(sample(1), "c")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> readOnly.deleteImport("b")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("read-only");
        }
        store = new SqliteListingStore(file());
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(3);
    }

    @Test
    void aReadOnlyStoreNeedsAnExistingDatabase() {
        assertThatThrownBy(() -> SqliteListingStore.openReadOnly(dir.resolve("missing.sqlite3")))
                .isInstanceOf(StoreException.class).hasMessageContaining("no glyphd-store database");
        assertThat(dir.resolve("missing.sqlite3")).doesNotExist();
    }

    @Test
    void theMinimalScoredFormatImports() throws IOException {
        List<Listing> listings = readScoredSample();

        store.insertListings(listings, new ImportRequest("scored-sample", "scored_sample.csv", null));

        List<Listing> best = store.queryListings(ListingQuery.builder().orderBy(ListingQuery.Order.SCORE_DESC)
                .build());
        assertThat(best).hasSize(5);
        assertThat(best.get(0)).satisfies(l -> {
            assertThat(l.canonicalModel()).isEqualTo("H100_PCIE_80GB");
            assertThat(l.vramGb()).isEqualTo(80);
            assertThat(l.migSupport()).isEqualTo(7);
            assertThat(l.nvlink()).isTrue();
            assertThat(l.tdpWatts()).isEqualTo(350);
            assertThat(l.price()).isEqualByComparingTo("10000");
            assertThat(l.score()).isEqualTo(0.7);
        });
        assertThat(store.queryListings(ListingQuery.builder().model("RTX_4090").build())).singleElement()
                .satisfies(l -> assertThat(l.score()).isEqualTo(0.3314285714285714));
    }

    /** A tiny reader for scored_sample.csv (no quoting in that file); the real importer lives in its own issue. */
    private static List<Listing> readScoredSample() throws IOException {
        List<Listing> listings = new ArrayList<>();
        try (InputStream in = SqliteListingStoreTest.class.getResourceAsStream("/data/scored_sample.csv");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).isEqualTo("canonical_model,vram_gb,mig_support,nvlink,tdp_watts,price,score");
            String line;
            while ((line = reader.readLine()) != null) {
                String[] f = line.split(",", -1);
                listings.add(Listing.builder().canonicalModel(f[0]).vramGb(Integer.valueOf(f[1]))
                        .migSupport(Integer.valueOf(f[2])).nvlink(Boolean.valueOf(f[3]))
                        .tdpWatts(Integer.valueOf(f[4])).price(new BigDecimal(f[5])).score(Double.parseDouble(f[6]))
                        .build());
            }
        }
        return listings;
    }
}
