package io.glyphd.store.sqlite;

import static io.glyphd.store.TestListings.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.RetentionPolicy;
import io.glyphd.store.RowHooks;
import io.glyphd.store.StoreException;
import io.glyphd.store.StoreHealth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The throwaway store, health, backup, compaction and the WAL's size, on real files. */
class SqliteOperationsTest {
    @TempDir
    Path dir;

    private static List<String> namesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void temporaryStoresAreRealPrivateFilesRemovedOnClose() throws IOException {
        Path first;
        try (SqliteListingStore a = SqliteListingStore.temporary();
                SqliteListingStore b = SqliteListingStore.temporary()) {
            first = a.path().getParent();
            a.insertListings(sample(3), "only-in-a");

            assertThat(a.path()).isRegularFile().startsWith(Path.of(System.getProperty("java.io.tmpdir")));
            assertThat(b.path().getParent()).isNotEqualTo(first);
            assertThat(b.listImports()).isEmpty();
            assertThat(a.countListings(ListingQuery.all())).isEqualTo(3);
            assertThat(a.isReadOnly()).isFalse();
            a.withConnection(c -> {
                assertThat(SqlResults.strings(c, "PRAGMA journal_mode")).containsExactly("wal");
                assertThat(SqlResults.number(c, "PRAGMA synchronous")).isEqualTo(1); // NORMAL, the default
                assertThat(SqlResults.number(c, "PRAGMA foreign_keys")).isEqualTo(1);
                return null;
            });
        }
        assertThat(first).doesNotExist();
    }

    @Test
    void memoryAndUriPathsAreRefusedPointingToTheTemporaryStoreAndCreateNothing() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        List<String> before = namesIn(cwd);
        for (String path : List.of(":memory:", "file::memory:", "file:listings.sqlite3?mode=memory",
                "FILE:x.db", "jdbc:sqlite:x.db")) {
            assertThatThrownBy(() -> new SqliteListingStore(path)).as(path)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + path + "'")
                    .hasMessageContaining("SqliteListingStore.temporary()");
            assertThatThrownBy(() -> new SqliteListingStore(Path.of(path))).as(path)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SqliteListingStore.openReadOnly(Path.of(path))).as(path)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> SqliteListingStore.builder(Path.of(path))).as(path)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + path + "'");
        }
        assertThat(namesIn(cwd)).isEqualTo(before);
    }

    @Test
    void healthReportsASchemaANewerBuildMigratedWithoutThrowing() throws SQLException {
        Path file = dir.resolve("s.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.health().ok()).isTrue();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = c.createStatement()) {
                s.execute("PRAGMA user_version = " + (SqliteSchema.CURRENT_VERSION + 1));
            }

            StoreHealth health = store.health();

            assertThat(health.ok()).isFalse();
            assertThat(health.schemaVersion()).isEqualTo(SqliteSchema.CURRENT_VERSION + 1);
            assertThat(health.supportedSchemaVersion()).isEqualTo(SqliteSchema.CURRENT_VERSION);
            assertThat(health.message()).contains(file.toString()).contains("newer glyphd-store");
        }
    }

    @Test
    void healthWorksOnAReadOnlyStore() {
        Path file = dir.resolve("s.sqlite3");
        new SqliteListingStore(file).close();
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(file)) {
            assertThat(store.health().ok()).isTrue();
        }
    }

    @Test
    void aBackupTakenWhileImportsRunIsConsistentOpensAndVerifiesClean() throws Exception {
        Path file = dir.resolve("live.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(sample(500), "base");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger imported = new AtomicInteger();
            List<Listing> batch = sample(3_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; !stop.get(); i++) {
                    store.importListings(batch.iterator(), ImportRequest.of("batch-" + i % 5));
                    imported.incrementAndGet();
                }
            });
            List<Path> copies = new ArrayList<>();
            try {
                while (imported.get() < 2) {
                    Thread.sleep(10);
                }
                for (int i = 0; i < 3; i++) {
                    int importsBefore = imported.get();
                    copies.add(store.backup(dir.resolve("copies/backup-" + i + ".sqlite3")));
                    assertThat(store.countListings(ListingQuery.all())).isPositive();
                    while (imported.get() == importsBefore) {
                        Thread.sleep(5); // let at least one import commit between backups
                    }
                }
            } finally {
                stop.set(true);
                writer.get(60, TimeUnit.SECONDS);
            }
            assertThat(imported.get()).isGreaterThanOrEqualTo(5);
            assertThat(namesIn(dir.resolve("copies"))).containsExactly("backup-0.sqlite3", "backup-1.sqlite3",
                    "backup-2.sqlite3");
        }
        for (Path copy : copies(dir.resolve("copies"))) {
            try (SqliteListingStore restored = new SqliteListingStore(copy)) {
                assertThat(restored.verify().ok()).as(copy.toString()).isTrue();
                List<ImportMetadata> imports = restored.listImports();
                assertThat(imports).extracting(ImportMetadata::importId).contains("base");
                for (ImportMetadata i : imports) {
                    assertThat(restored.countListings(ListingQuery.builder().importId(i.importId()).build()))
                            .as("import %s in %s is whole", i.importId(), copy)
                            .isEqualTo(i.recordCount()).isEqualTo(i.importId().equals("base") ? 500 : 3_000);
                }
                assertThat(imports).hasSizeGreaterThan(1);
            }
        }
    }

    private static List<Path> copies(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aBackupRefusesAnExistingTargetAndLeavesIt() throws IOException {
        Path file = dir.resolve("s.sqlite3");
        Path taken = Files.writeString(dir.resolve("taken.sqlite3"), "keep me");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(sample(3), "b");

            assertThatThrownBy(() -> store.backup(taken)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(taken.toString()).hasMessageContaining("already exists");
            assertThatThrownBy(() -> store.backup(file)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(taken).hasContent("keep me");
        assertThat(namesIn(dir)).containsExactly("s.sqlite3", "taken.sqlite3");
    }

    @Test
    void aReadOnlyStoreCanBeBackedUp() {
        Path file = dir.resolve("s.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(sample(7), "b");
        }
        Path copy;
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(file)) {
            copy = store.backup(dir.resolve("copy.sqlite3"));
        }
        try (SqliteListingStore restored = SqliteListingStore.openReadOnly(copy)) {
            assertThat(restored.countListings(ListingQuery.all())).isEqualTo(7);
        }
    }

    @Test
    void compactGivesThePrunedSpaceBackAndKeepsTheData() throws IOException {
        Path file = dir.resolve("s.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            for (int i = 0; i < 6; i++) {
                store.insertListings(sample(2_000), new ImportRequest("i" + i, "shop", null));
            }
            assertThat(store.prune(RetentionPolicy.keepNewest(1), false).imports()).hasSize(5);
            long before = Files.size(file);

            long reclaimed = store.compact();

            long after = Files.size(file);
            assertThat(after).isLessThan(before / 3);
            assertThat(reclaimed).isEqualTo(before - after);
            assertThat(Files.size(dir.resolve("s.sqlite3-wal"))).isZero();
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(2_000);
            assertThat(store.verify().ok()).isTrue();
            assertThat(store.compact()).as("nothing more to reclaim").isLessThan(before - after);
        }
        try (SqliteListingStore readOnly = SqliteListingStore.openReadOnly(file)) {
            assertThatThrownBy(readOnly::compact).hasMessageContaining("read-only");
        }
    }

    @Test
    void compactWaitsForItsTurnBehindAnImportOfThisProcess() throws Exception {
        Path file = dir.resolve("s.sqlite3");
        List<String> waits = new CopyOnWriteArrayList<>();
        try (SqliteListingStore store = SqliteListingStore.builder(file).onLockWait(waits::add).build()) {
            store.insertListings(sample(10), "old");
            RowHooks.Held held = RowHooks.heldAtRow(sample(5).iterator(), 1);
            CompletableFuture<?> importer = CompletableFuture.runAsync(
                    () -> store.importListings(held, ImportRequest.of("new")));
            held.awaitHeld();

            CompletableFuture<Long> compact = CompletableFuture.supplyAsync(store::compact);
            for (int i = 0; i < 3_000 && waits.isEmpty(); i++) {
                Thread.sleep(10);
            }

            assertThat(waits).containsExactly("another writer in this process");
            assertThat(compact).isNotDone();
            held.release();
            importer.get(30, TimeUnit.SECONDS);
            compact.get(30, TimeUnit.SECONDS);
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(15);
            assertThat(store.verify().ok()).isTrue();
        }
    }

    @Test
    void pruneRemovesEachImportInATransactionOfItsOwnSoAFailureKeepsTheOnesBeforeItRemoved() throws SQLException {
        Path file = dir.resolve("s.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            for (int i = 0; i < 4; i++) {
                store.insertListings(sample(100 + i), new ImportRequest("i" + i, "shop", null)
                        .withImportedAt(Instant.parse("2026-01-0" + (i + 1) + "T00:00:00Z")));
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = c.createStatement()) {
                s.execute("CREATE TRIGGER refuse_i2 BEFORE DELETE ON imports WHEN old.import_id = 'i2'"
                        + " BEGIN SELECT RAISE(ABORT, 'i2 is on hold'); END");
            }

            assertThatThrownBy(() -> store.prune(RetentionPolicy.keepNewest(1), false))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("Cannot prune import i2").hasMessageContaining("i2 is on hold");

            assertThat(store.listImports()).extracting(ImportMetadata::importId, ImportMetadata::recordCount)
                    .containsExactly(tuple("i3", 103L), tuple("i2", 102L));
            assertThat(store.countListings(ListingQuery.builder().importId("i2").build())).isEqualTo(102);
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(205);
        }
    }

    /** Listings of about 10 KB each, so that a few thousand of them fill the WAL past its limit. */
    private static List<Listing> wide(int n) {
        String text = "x".repeat(Listing.MAX_TEXT_LENGTH - 10);
        List<Listing> listings = new ArrayList<>(n);
        for (Listing l : sample(n)) {
            listings.add(l.toBuilder().notes(text + listings.size()).build());
        }
        return listings;
    }

    private static long walSize(Path file) throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }

    @Test
    void aBigImportDoesNotLeaveABigWalUnlessAReaderNeedsIt() throws Exception {
        Path file = dir.resolve("s.sqlite3");
        List<Listing> big = wide(8_000);
        long limit = SqliteDatabase.WAL_LIMIT_BYTES;
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(big, "big-1");
            assertThat(walSize(file)).as("after a ~90 MB import with no reader").isZero();

            try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                reader.setAutoCommit(false);
                try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM listings")) {
                    rs.next();
                }
                store.insertListings(big, "big-2");
                assertThat(walSize(file)).as("a reader on an older snapshot keeps the WAL").isGreaterThan(limit);
                reader.rollback();
            }
            store.insertListings(sample(1), "small");
            assertThat(walSize(file)).as("the next write once the reader is gone").isLessThanOrEqualTo(limit);
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(16_001);
        }
    }
}
