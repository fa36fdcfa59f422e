package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.StoreException;
import io.glyphd.store.TestListings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file, one name: SQLite names the write-ahead log after the path it is given, so writers reaching one file
 * through two hard links would keep two logs and lose commits. A file with several hard links is refused for
 * writing and left as it was; symbolic links are resolved by SQLite, so stores opened through two of them share
 * one log and both imports land.
 */
class OneNameTest {
    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void createAStore() {
        file = dir.resolve("listings.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(TestListings.sample(50), "first");
        }
    }

    @Test
    void aStoreFileWithTwoHardLinksIsRefusedForWritingThroughEitherNameAndLeftAsItWas() throws IOException {
        Path other = Files.createLink(dir.resolve("same-file.sqlite3"), file);
        byte[] before = Files.readAllBytes(file);

        for (Path name : new Path[] {file, other}) {
            assertThatThrownBy(() -> new SqliteListingStore(name)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(name.toString()).hasMessageContaining("2 hard links")
                    .hasMessageContaining("one write-ahead log per name").hasMessageContaining("read-only");
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("listings.sqlite3", "same-file.sqlite3");
        }
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(other)) {
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(50);
        }

        Files.delete(other);
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.insertListings(TestListings.sample(5), "second")).isEqualTo(5);
        }
    }

    @Test
    void storesOpenedThroughTwoSymbolicLinksShareOneLogAndKeepBothImports() throws IOException {
        Path links = Files.createDirectories(dir.resolve("links"));
        Path one = Files.createSymbolicLink(links.resolve("one.sqlite3"), file);
        Path two = Files.createSymbolicLink(links.resolve("two.sqlite3"), file);

        try (SqliteListingStore first = new SqliteListingStore(one);
                SqliteListingStore second = new SqliteListingStore(two)) {
            first.insertListings(TestListings.sample(30), "through-one");
            second.insertListings(TestListings.sample(40), "through-two");
            assertThat(Files.exists(dir.resolve("listings.sqlite3-wal"))).isTrue();
            try (Stream<Path> names = Files.list(links)) {
                assertThat(names.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("one.sqlite3", "two.sqlite3");
            }
            assertThat(first.findImport("through-two")).isPresent();
            assertThat(second.findImport("through-one")).isPresent();
        }

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.listImports()).extracting(ImportMetadata::importId)
                    .containsExactlyInAnyOrder("first", "through-one", "through-two");
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(120);
        }
    }
}
