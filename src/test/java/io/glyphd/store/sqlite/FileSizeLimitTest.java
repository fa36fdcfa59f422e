package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ListingQuery;
import io.glyphd.store.TestListings;
import io.glyphd.store.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * A disk with no room, met for real by a child JVM that may not write past a few KiB of any file
 * ({@code ulimit -f}): every write SQLite makes beyond that fails, as on a full disk (the kernel says EFBIG
 * instead of ENOSPC, which only changes the code SQLite reports for a failed page write, SQLITE_IOERR_WRITE
 * instead of SQLITE_FULL; the shared-memory index fails with SQLITE_IOERR_SHMSIZE either way). This reaches what
 * {@code PRAGMA max_page_count} (see {@link DiskFullTest}) cannot: the -shm file a reader needs, and the
 * migration an open runs before any caller has a connection. The parent, without the limit, plays the freed disk.
 */
class FileSizeLimitTest {
    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void paths() {
        file = dir.resolve("listings.sqlite3");
    }

    private List<String> childUnderLimit(long maxFileKib, String... args) {
        try (ChildJvm child = ChildJvm.startWithFileSizeLimit(maxFileKib, dir.resolve("child-tmp"),
                dir.resolve("logs"), args)) {
            List<String> lines = child.awaitExit();
            assertThat(child.exitCode()).as(child.describe()).isZero();
            return lines;
        }
    }

    @Test
    void withNoRoomForTheSharedMemoryIndexAReadSaysTheDiskIsFull() {
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(TestListings.sample(100), "kept");
        }
        assertThat(Files.exists(dir.resolve("listings.sqlite3-shm"))).as("closed cleanly: no -shm").isFalse();

        for (String readOnly : List.of("true", "false")) {
            assertThat(childUnderLimit(16, "count", file.toString(), readOnly)).singleElement().asString()
                    .startsWith("FAILED Cannot open " + file).contains("the disk is full")
                    .contains("SQLITE_IOERR_SHMSIZE").doesNotContain("I/O error");
        }

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(100);
        }
    }

    /**
     * 8,000 rows: the migrations' indexes (version 2's, version 5's two rebuilt ones and version 6's) fit in SQLite's
     * page cache, so every statement succeeds and the first write past the limit is the commit's. SQLite rolls the
     * transaction back by itself there; the error must still say what was being done and which version the file was
     * left at.
     */
    @Test
    void aMigrationWhoseCommitRunsOutOfSpaceLeavesVersionOneAndTheFileMigratesOnceSpaceIsBack() throws Exception {
        assertAFailedMigrationLeavesVersionOne(8_000, 256, "the commit failed");
    }

    /** 50,000 rows: the index build spills out of the page cache, so the statement itself meets the limit. */
    @Test
    void aMigrationWhoseIndexBuildRunsOutOfSpaceLeavesVersionOneAndTheFileMigratesOnceSpaceIsBack()
            throws Exception {
        assertAFailedMigrationLeavesVersionOne(50_000, 512, "statement 1 of V2__listing_identity.sql failed");
    }

    private void assertAFailedMigrationLeavesVersionOne(int rows, long maxFileKib, String failedStep)
            throws Exception {
        VersionOneFile.write(file, rows);
        List<String> before = VersionOneFile.snapshot(file);
        assertThat(Files.size(file)).isGreaterThan(maxFileKib * 1024 * 4);

        // Room for the switch to WAL and the -shm index, not for the migration's new index.
        assertThat(childUnderLimit(maxFileKib, "count", file.toString(), "false")).singleElement().asString()
                .startsWith("FAILED Cannot migrate " + file + " from schema version 1 to "
                        + SqliteSchema.CURRENT_VERSION + ": " + failedStep + ": ")
                .contains("(SQLITE_IOERR_WRITE)")
                .endsWith("; it was rolled back: the file was left as it was, at schema version 1, and the next"
                        + " writable open migrates it again");

        assertThat(VersionOneFile.version(file)).isEqualTo(1);
        assertThat(VersionOneFile.snapshot(file)).isEqualTo(before);
        assertThat(integrityCheck(file)).containsExactly("ok");
        assertThat(SqliteSchema.inspect(file)).isEqualTo(SqliteSchema.State.OLDER);

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            VerifyReport report = store.verify();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(rows);
        }
        assertThat(VersionOneFile.version(file)).isEqualTo(SqliteSchema.CURRENT_VERSION);
        // Migrations 2 and 3 add indexes only: every row reads back exactly as version 1 held it.
        assertThat(VersionOneFile.snapshot(file)).isEqualTo(before);
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.insertListings(TestListings.sample(10), "after")).isEqualTo(10);
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(rows + 10);
        }
    }

    /**
     * A new file under a limit that leaves room for the -shm index but not for the schema: the creation fails,
     * saying so, and leaves nothing that a later open would take for a damaged or foreign file.
     */
    @Test
    void creatingTheSchemaOfANewFileWithoutRoomLeavesAFileThatOpensOnceSpaceIsBack() throws Exception {
        assertThat(childUnderLimit(40, "count", file.toString(), "false")).singleElement().asString()
                .startsWith("FAILED Cannot create the schema of " + file + ": ")
                .contains("(SQLITE_IOERR_WRITE)")
                .endsWith("; it was rolled back: the file was left as it was, without a schema, and the next"
                        + " writable open creates it");
        assertThat(SqliteSchema.inspect(file)).isEqualTo(SqliteSchema.State.NEW);

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.insertListings(TestListings.sample(10), "after")).isEqualTo(10);
            VerifyReport report = store.verify();
            assertThat(report.ok()).as(report.toString()).isTrue();
        }
        assertThat(VersionOneFile.version(file)).isEqualTo(SqliteSchema.CURRENT_VERSION);
    }

    /** Runs SQLite's own check of every page through a read-only connection. */
    private static List<String> integrityCheck(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file)) {
            return SqlResults.strings(c, "PRAGMA integrity_check");
        }
    }
}
