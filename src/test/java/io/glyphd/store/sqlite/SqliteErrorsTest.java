package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The words SqliteErrors puts on SQLite's result codes; FileSizeLimitTest meets the same codes for real. */
class SqliteErrorsTest {
    private static final Path FILE = Path.of("/data/listings.sqlite3");

    private static SQLException error(SQLiteErrorCode code) {
        return new SQLiteException("[" + code.name() + "] " + code.message, code);
    }

    @Test
    void aSharedMemoryIndexThatCannotGrowIsCalledAFullDisk() {
        SQLException e = error(SQLiteErrorCode.SQLITE_IOERR_SHMSIZE);

        assertThat(SqliteErrors.translate("Cannot read", FILE, e)).hasMessageStartingWith("Cannot read " + FILE)
                .hasMessageContaining("the disk is full").hasMessageContaining("-shm")
                .hasMessageContaining("free some space").hasMessageContaining("SQLITE_IOERR_SHMSIZE")
                .hasCause(e);
        assertThat(SqliteErrors.poisonsConnection(e)).isTrue();
    }

    @Test
    void fullDiskCodesSayFullAndOtherIoErrorsDoNot() {
        assertThat(SqliteErrors.meaning(error(SQLiteErrorCode.SQLITE_FULL))).contains("is full")
                .contains("nothing of this operation was written");
        assertThat(SqliteErrors.meaning(error(SQLiteErrorCode.SQLITE_IOERR_WRITE))).doesNotContain("full")
                .contains("I/O error").contains("SQLITE_IOERR_WRITE");
        assertThat(SqliteErrors.meaning(error(SQLiteErrorCode.SQLITE_IOERR_SHMMAP))).doesNotContain("full");
    }
}
