package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.VerifyReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * A store always reopens: a writer killed (SIGKILL, as a crash) in rollback-journal mode leaves a hot journal, and
 * one killed while the first open migrates a version-1 file leaves a WAL with part of the migration; either way
 * the next writable open recovers the file and every operation works on intact data. A foreign file with a hot
 * journal is refused and neither it nor its journal changes; a read-only open cannot roll a journal back and says
 * what to do.
 */
class ReopenAfterCrashTest {
    /** The first bytes of a rollback journal whose header has been written (SQLite's journal magic). */
    private static final byte[] JOURNAL_MAGIC = {(byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1,
        0x63, (byte) 0xd7};
    /** Kills that race SQLite's brief journal are repeated until one lands while the journal is hot. */
    private static final int MAX_KILLS = 20;

    @TempDir
    Path dir;
    private Path file;
    private Path journal;

    @BeforeEach
    void paths() {
        file = dir.resolve("listings.sqlite3");
        journal = dir.resolve("listings.sqlite3-journal");
    }

    private ChildJvm child(String... args) {
        return ChildJvm.start(dir.resolve("child-tmp"), dir.resolve("logs"), args);
    }

    /** Leaves beside {@code file} the hot journal of a plain SQLite writer killed mid-transaction. */
    private void killAWriterMidTransaction() {
        try (ChildJvm writer = child("rollback-writer", file.toString(), "30000")) {
            writer.awaitLine("PAUSED"::equals);
            writer.kill();
        }
    }

    /** True if SQLite itself calls the journal hot: a read-only connection cannot read the file past it. */
    private boolean hasHotJournal() {
        if (!Files.exists(journal)) {
            return false;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            SqliteSchema.intPragma(s, "user_version");
            return false;
        } catch (SQLException e) {
            assertThat(SqliteErrors.code(e)).as(e.getMessage()).isEqualTo(SQLiteErrorCode.SQLITE_READONLY_ROLLBACK);
            return true;
        }
    }

    private void restore(Path pristine) throws IOException {
        for (String suffix : List.of("-journal", "-wal", "-shm")) {
            Files.deleteIfExists(dir.resolve(file.getFileName() + suffix));
        }
        Files.copy(pristine, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Opens the store and runs every kind of operation; the data must be {@code before}, migrated. */
    private void assertEveryOperationWorks(List<String> before, int rows) throws SQLException {
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(VersionOneFile.snapshot(file)).as("every row as it was committed").isEqualTo(before);
            VerifyReport report = store.verify();
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(store.listImports()).extracting(ImportMetadata::importId)
                    .containsExactly(VersionOneFile.IMPORT_ID);
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(rows);
            assertThat(store.queryListings(ListingQuery.builder().model("M7").limit(3).build())).hasSize(3);
            assertThat(store.insertListings(List.of(ChildImporter.listing("after", 1)), "after-the-crash"))
                    .isEqualTo(1);
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(rows + 1);
            assertThat(store.deleteImport("after-the-crash")).isTrue();
        }
        assertThat(VersionOneFile.version(file)).isEqualTo(SqliteSchema.CURRENT_VERSION);
        assertThat(Files.exists(journal)).as("the journal is gone").isFalse();
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(file)) {
            assertThat(store.countListings(ListingQuery.all())).isEqualTo(rows);
        }
    }

    @Test
    void aWriterKilledInRollbackJournalModeLeavesAHotJournalThatAWritableOpenRollsBack() throws Exception {
        VersionOneFile.write(file, 2_000);
        List<String> before = VersionOneFile.snapshot(file);
        long size = Files.size(file);
        killAWriterMidTransaction();
        assertThat(hasHotJournal()).isTrue();
        assertThat(Files.size(file)).as("the file holds part of the uncommitted transaction").isGreaterThan(size);
        byte[] fileBytes = Files.readAllBytes(file);
        byte[] journalBytes = Files.readAllBytes(journal);

        assertThatThrownBy(() -> SqliteListingStore.openReadOnly(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("hot journal")
                .hasMessageContaining("Open the store writable once");
        assertThat(Files.readAllBytes(file)).as("a read-only open writes nothing").isEqualTo(fileBytes);
        assertThat(Files.readAllBytes(journal)).isEqualTo(journalBytes);

        assertEveryOperationWorks(before, 2_000);
    }

    @Test
    void aKillDuringTheFirstOpenOfAVersionOneFileNeverKeepsItFromReopening() throws Exception {
        Path pristine = VersionOneFile.write(dir.resolve("pristine.sqlite3"), 20_000);
        List<String> before = VersionOneFile.snapshot(pristine);
        int hot = 0;
        for (int kill = 1; kill <= MAX_KILLS && hot == 0; kill++) {
            restore(pristine);
            // The first open switches the file to WAL in a short rollback-journal transaction; kill the child as
            // soon as that journal's header is written.
            try (ChildJvm opener = child("open", file.toString())) {
                while (opener.isAlive() && !journalHeaderWritten()) {
                    Thread.onSpinWait();
                }
                opener.kill();
            }
            if (hasHotJournal()) {
                hot++;
            }
            assertEveryOperationWorks(before, 20_000);
        }
        assertThat(hot).as("kills that left a hot journal, in " + MAX_KILLS + " tries").isPositive();
    }

    private boolean journalHeaderWritten() {
        if (!Files.exists(journal)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(journal)) {
            return Arrays.equals(in.readNBytes(JOURNAL_MAGIC.length), JOURNAL_MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aKillDuringTheMigrationOfAVersionOneFileLeavesVersionOneAndTheNextOpenMigrates() throws Exception {
        Path pristine = VersionOneFile.write(dir.resolve("pristine.sqlite3"), 100_000);
        List<String> before = VersionOneFile.snapshot(pristine);
        Path wal = dir.resolve(file.getFileName() + "-wal");
        boolean killedMidMigration = false;
        for (int kill = 1; kill <= 5 && !killedMidMigration; kill++) {
            restore(pristine);
            try (ChildJvm opener = child("open", file.toString())) {
                opener.awaitLine("OPENING"::equals);
                // The migration's index builds spill pages into the WAL long before its commit.
                while (opener.isAlive() && (!Files.exists(wal) || Files.size(wal) < 256 * 1024)) {
                    Thread.onSpinWait();
                }
                opener.kill();
            }
            if (VersionOneFile.version(file) == 1) {
                killedMidMigration = true;
                assertThat(Files.size(wal)).as("the killed migration's frames").isPositive();
            }
            assertEveryOperationWorks(before, 100_000);
        }
        assertThat(killedMidMigration).as("a kill landed before the migration committed").isTrue();
    }

    @Test
    void aForeignDatabaseWithAHotJournalIsRefusedAndNeitherFileChanges() throws Exception {
        VersionOneFile.write(file, 2_000, 42);
        killAWriterMidTransaction();
        assertThat(hasHotJournal()).isTrue();
        byte[] fileBytes = Files.readAllBytes(file);
        byte[] journalBytes = Files.readAllBytes(journal);

        for (boolean readOnly : List.of(false, true)) {
            assertThatThrownBy(() -> (readOnly ? SqliteListingStore.openReadOnly(file) : new SqliteListingStore(file))
                    .close()).isInstanceOf(SchemaVersionException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("hot journal")
                    .hasMessageContaining("application_id 42").hasMessageContaining("left untouched");
            assertThat(Files.readAllBytes(file)).isEqualTo(fileBytes);
            assertThat(Files.readAllBytes(journal)).isEqualTo(journalBytes);
        }
        assertThat(hasHotJournal()).isTrue();
    }

    @Test
    void aFileThatIsNotSqliteWithAHotJournalBesideItIsRefusedAndNeitherFileChanges() throws Exception {
        VersionOneFile.write(file, 2_000);
        killAWriterMidTransaction();
        byte[] journalBytes = Files.readAllBytes(journal);
        Files.writeString(file, "canonical_model,price\nRTX_4090,1500\n".repeat(500), StandardCharsets.UTF_8);
        byte[] fileBytes = Files.readAllBytes(file);

        assertThatThrownBy(() -> new SqliteListingStore(file)).isInstanceOf(SchemaVersionException.class)
                .hasMessageContaining("not a SQLite database");

        assertThat(Files.readAllBytes(file)).isEqualTo(fileBytes);
        assertThat(Files.readAllBytes(journal)).isEqualTo(journalBytes);
    }
}
