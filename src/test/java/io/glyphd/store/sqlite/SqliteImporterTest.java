package io.glyphd.store.sqlite;

import static io.glyphd.store.TestListings.listing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.RowHooks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import algorithm's own decisions: the page cache it uses and when it rebuilds the secondary indexes. */
class SqliteImporterTest {
    private static final int BIG = (int) SqliteImporter.REBUILD_MIN_ROWS + 2_345;

    @TempDir
    Path dir;
    SqliteListingStore store;

    @BeforeEach
    void open() {
        store = new SqliteListingStore(dir.resolve("listings.sqlite3"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Iterator<Listing> rows(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> Listing.builder().canonicalModel("M" + i % 13)
                .price(String.valueOf(i % 997)).score(i % 101 / 100.0).region(i % 2 == 0 ? "USA" : "EU")
                .seenAt(io.glyphd.store.TestListings.T0.plusSeconds(i)).build()).iterator();
    }

    private Map<String, String> secondaryIndexes() {
        return store.withConnection(c -> {
            Map<String, String> indexes = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
                            + " AND tbl_name = 'listings' AND sql IS NOT NULL ORDER BY name")) {
                while (rs.next()) {
                    indexes.put(rs.getString(1), rs.getString(2));
                }
            }
            return indexes;
        });
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aBigImportIntoAnEmptyStoreRebuildsEveryIndexAsDeclared() {
        Map<String, String> before = secondaryIndexes();

        store.importListings(rows(BIG), ImportRequest.of("big"));

        assertThat(before).hasSize(9).containsKeys("listings_model_score", "listings_identity",
                "listings_in_stock_price", "listings_in_stock_score");
        assertThat(secondaryIndexes()).isEqualTo(before);
        store.withConnection(c -> {
            assertThat(text(c, "PRAGMA integrity_check")).isEqualTo("ok");
            return null;
        });
        assertThat(store.countListings(ListingQuery.builder().model("M3").build()))
                .isEqualTo(IntStream.rangeClosed(1, BIG).filter(i -> i % 13 == 3).count());
    }

    @Test
    void aFailureAfterTheIndexesWereDroppedRollsBackTheDropToo() {
        store.insertListings(java.util.List.of(listing("KEEP", "1", 0.5)), "keep");
        Map<String, String> before = secondaryIndexes();
        Iterator<Listing> failing = RowHooks.actingAtRow(rows(BIG), BIG, () -> {
            throw new IllegalStateException("reader failed");
        });

        assertThatThrownBy(() -> store.importListings(failing, ImportRequest.of("broken")))
                .isInstanceOf(InvalidListingException.class).hasMessageContaining("row " + BIG);

        assertThat(secondaryIndexes()).isEqualTo(before);
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(1);
        assertThat(store.queryListings(ListingQuery.builder().model("keep").build())).hasSize(1);
    }

    @Test
    void aSmallImportIntoABiggerStoreKeepsTheIndexes() {
        store.importListings(rows(BIG), ImportRequest.of("big"));
        long rootBefore = store.withConnection(c -> Long.parseLong(text(c,
                "SELECT rootpage FROM sqlite_schema WHERE name = 'listings_model_score'")));

        store.importListings(rows(100), ImportRequest.of("small"));

        long rootAfter = store.withConnection(c -> Long.parseLong(text(c,
                "SELECT rootpage FROM sqlite_schema WHERE name = 'listings_model_score'")));
        assertThat(rootAfter).as("an index that was not rebuilt keeps its root page").isEqualTo(rootBefore);
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(BIG + 100L);
    }

    @Test
    void theWritingConnectionGetsItsDefaultCacheBackAfterAnImport() {
        long defaultCache = store.withConnection(c -> Long.parseLong(text(c, "PRAGMA cache_size")));

        store.importListings(rows(10), ImportRequest.of("small"));

        store.withConnection(c -> {
            assertThat(Long.parseLong(text(c, "PRAGMA cache_size"))).isEqualTo(defaultCache);
            return null;
        });
    }
}
