package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingStore;
import io.glyphd.store.RowHooks;
import io.glyphd.store.StoreException;
import io.glyphd.store.TestListings;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImportPages} on a real SQLite store, in pages of 3 listings. */
class ImportPagesTest {
    @TempDir
    Path dir;
    ListingStore store;
    ImportMetadata seven;

    @BeforeEach
    void store() {
        store = new SqliteListingStore(dir.resolve("source.sqlite3"));
        store.insertListings(TestListings.sample(7), "seven");
        store.insertListings(TestListings.sample(2), "other");
        seven = store.findImport("seven").orElseThrow();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ImportPages pages() {
        return new ImportPages(store, seven, "source.sqlite3", 3);
    }

    private static List<Listing> take(Iterator<Listing> listings, int n) {
        List<Listing> taken = new ArrayList<>();
        for (int i = 0; i < n && listings.hasNext(); i++) {
            taken.add(listings.next());
        }
        return taken;
    }

    @Test
    void readsEveryListingOfTheImportInImportOrder() {
        ImportPages pages = pages();

        List<Listing> read = take(pages, 100);

        assertThat(read).isEqualTo(CliRunner.listings(store, "seven")).hasSize(7)
                .extracting(Listing::importIndex).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(pages.hasNext()).isFalse();
        assertThat(pages.hasNext()).isFalse();
        assertThatThrownBy(pages::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void anImportReplacedWhileItIsReadFailsAfterItsLastPage() {
        ImportPages pages = pages();
        take(pages, 4);

        store.insertListings(TestListings.sample(9), "seven");

        assertThatThrownBy(() -> take(pages, 100)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("Import seven changed in source.sqlite3 while it was being read (7 listings at "
                        + seven.importedAt() + " before, 9 listings at ");
    }

    @Test
    void anImportDeletedWhileItIsReadFails() {
        ImportPages pages = pages();
        take(pages, 1);

        store.deleteImport("seven");

        assertThatThrownBy(() -> take(pages, 100)).isInstanceOf(StoreException.class)
                .hasMessageEndingWith(" before, deleted after, 3 read)");
    }

    @Test
    void aChangeWhileCopyingRollsTheTargetsImportBack() {
        ImportPages pages = pages();
        Iterator<Listing> replacingTheSourceAfterFour = RowHooks.actingAtRow(pages, 5,
                () -> store.insertListings(TestListings.sample(7), "seven"));

        try (ListingStore target = new SqliteListingStore(dir.resolve("target.sqlite3"))) {
            assertThatThrownBy(() -> target.importListings(replacingTheSourceAfterFour, new ImportRequest("seven",
                    null, null, seven.importedAt()))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("changed in source.sqlite3 while it was being read");
            assertThat(target.listImports()).isEmpty();
        }
    }
}
