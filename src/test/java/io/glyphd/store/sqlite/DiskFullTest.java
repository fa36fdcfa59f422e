package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.StoreException;
import io.glyphd.store.TestListings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills during an import, simulated portably with {@code PRAGMA max_page_count} (a limit SQLite
 * enforces per connection, exactly as it reports a full disk: SQLITE_FULL). The limit is put on the pooled
 * connection the next write takes (the pool hands back the most recently returned connection first), so only the
 * import under test meets it; connections opened later have no limit, as if space had been freed.
 */
class DiskFullTest {
    /** Room for a few batches, so the disk fills part-way through the import, after rows were written. */
    private static final int EXTRA_PAGES = 300;

    @TempDir
    Path dir;
    private Path file;
    private SqliteListingStore store;
    private List<Listing> earlierRows;
    private ImportMetadata earlier;

    @BeforeEach
    void openAStoreWithAnEarlierImport() {
        file = dir.resolve("listings.sqlite3");
        store = new SqliteListingStore(file);
        store.insertListings(TestListings.sample(200), new ImportRequest("earlier", "a.csv", "kept"));
        earlierRows = store.queryListings(ListingQuery.builder().limit(ListingQuery.MAX_LIMIT).build());
        earlier = store.findImport("earlier").orElseThrow();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static List<Listing> big(String tag) {
        return IntStream.rangeClosed(1, 20_000).mapToObj(i -> ChildImporter.listing(tag, i)).toList();
    }

    /** Lets the connection the next write will take grow the file by only a little; returns that connection. */
    private Connection fillTheDiskForTheNextWrite() {
        return store.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                long pages = number(s, "PRAGMA page_count");
                long limit = pages + EXTRA_PAGES;
                assertThat(number(s, "PRAGMA max_page_count = " + limit)).isEqualTo(limit);
            }
            return c;
        });
    }

    private static long number(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long defaultMaxPageCountOfTheNextConnection() {
        return store.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                return number(s, "PRAGMA max_page_count");
            }
        });
    }

    private void assertTheEarlierImportIsIntact() {
        assertThat(store.findImport("earlier")).contains(earlier);
        assertThat(store.queryListings(ListingQuery.builder().importId("earlier").limit(ListingQuery.MAX_LIMIT)
                .build())).containsExactlyElementsOf(earlierRows);
    }

    @Test
    void aFullDiskFailsTheImportClearlyKeepsEarlierImportsAndTheStoreTakesTheNextImport() {
        long unlimited = defaultMaxPageCountOfTheNextConnection();
        Connection limited = fillTheDiskForTheNextWrite();

        assertThatThrownBy(() -> store.insertListings(big("new"), "new")).isInstanceOf(StoreException.class)
                .hasMessageContaining("import new").hasMessageContaining(file.toString())
                .hasMessageContaining("full").hasMessageContaining("SQLITE_FULL")
                .hasMessageContaining("nothing of this operation was written");

        assertThat(store.findImport("new")).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(earlierRows.size());
        assertTheEarlierImportIsIntact();
        assertThat(store.verify().ok()).isTrue();
        assertThat(limitedConnectionIsDiscarded(limited)).isTrue();
        assertThat(defaultMaxPageCountOfTheNextConnection()).isEqualTo(unlimited);

        assertThat(store.insertListings(big("new"), "new")).isEqualTo(20_000);
        assertThat(store.countListings(ListingQuery.builder().importId("new").build())).isEqualTo(20_000);
        assertTheEarlierImportIsIntact();
    }

    @Test
    void aFullDiskDuringAReimportKeepsTheOldRowsOfThatImport() {
        fillTheDiskForTheNextWrite();

        assertThatThrownBy(() -> store.insertListings(big("replacement"), "earlier"))
                .isInstanceOf(StoreException.class).hasMessageContaining("import earlier").hasMessageContaining("full");

        assertTheEarlierImportIsIntact();
        assertThat(store.insertListings(big("replacement"), "earlier")).isEqualTo(20_000);
        assertThat(store.findImport("earlier")).get().extracting(ImportMetadata::recordCount).isEqualTo(20_000L);
    }

    private static boolean limitedConnectionIsDiscarded(Connection limited) {
        try {
            return limited.isClosed();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
