package io.glyphd.store.sqlite;

import io.glyphd.store.StoreException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Translates SQLite errors into {@link StoreException}s that say what they mean for the caller. */
final class SqliteErrors {
    private SqliteErrors() {
    }

    /** Returns an exception reading "{action} {file}: {meaning}", with {@code e} as its cause. */
    static StoreException translate(String action, Path file, SQLException e) {
        return new StoreException(action + " " + file + ": " + meaning(e), e);
    }

    /** Returns an exception for a unit of work that stayed BUSY through {@code attempts} attempts. */
    static StoreException busy(String action, Path file, SQLException e, Duration lockWait, int attempts) {
        return new StoreException(action + " " + file + ": " + meaning(e) + "; gave up after " + attempts
                + (attempts == 1 ? " attempt" : " attempts") + " within the lock wait of "
                + SqliteDatabase.human(lockWait) + ", nothing of this operation was written (a longer lockWait, or"
                + " the CLI's --wait, waits longer)", e);
    }

    /** Returns true if the error leaves a connection in a state it should not be reused from. */
    static boolean poisonsConnection(SQLException e) {
        SQLiteErrorCode code = code(e);
        return code == null || isBusy(code) || code.name().startsWith("SQLITE_FULL")
                || code.name().startsWith("SQLITE_IOERR") || code.name().startsWith("SQLITE_CORRUPT")
                || code == SQLiteErrorCode.SQLITE_NOTADB || code.name().startsWith("SQLITE_READONLY");
    }

    static boolean isBusy(SQLException e) {
        SQLiteErrorCode code = code(e);
        return code != null && isBusy(code);
    }

    private static boolean isBusy(SQLiteErrorCode code) {
        return code.name().startsWith("SQLITE_BUSY") || code.name().startsWith("SQLITE_LOCKED");
    }

    /** Returns the SQLite result code of {@code e} or of the first cause that has one (a batch wraps it), or null. */
    static SQLiteErrorCode code(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s) {
                return s.getResultCode();
            }
        }
        return null;
    }

    /** Returns true if the error says the file is damaged (SQLITE_CORRUPT) or not a database (SQLITE_NOTADB). */
    static boolean isDamage(SQLException e) {
        SQLiteErrorCode code = code(e);
        return code != null && (code.name().startsWith("SQLITE_CORRUPT") || code == SQLiteErrorCode.SQLITE_NOTADB);
    }

    /** Says in words what an error means for the caller. */
    static String meaning(SQLException e) {
        SQLiteErrorCode code = code(e);
        String detail = e.getMessage();
        if (code == null) {
            return detail;
        }
        String name = code.name();
        if (isBusy(code)) {
            return "the database is locked by another connection or process and stayed locked past the lock wait ("
                    + name + ")";
        }
        if (name.startsWith("SQLITE_FULL")) {
            return "the disk (or the database's size limit) is full; nothing of this operation was written ("
                    + name + ")";
        }
        if (code == SQLiteErrorCode.SQLITE_IOERR_SHMSIZE) {
            // SQLite grows the -shm index by writing into it, which fails when no block can be had: readers
            // and writers of a WAL file both need it, so on a full disk even a read ends here.
            return "the disk is full (or a file-size limit was reached): SQLite could not grow the shared-memory"
                    + " index (the -shm file beside the database); free some space and retry; nothing of this"
                    + " operation was written (" + name + ")";
        }
        if (name.startsWith("SQLITE_READONLY")) {
            return "the database is read-only (" + name + ")";
        }
        if (name.startsWith("SQLITE_CORRUPT")) {
            return "the database file is damaged; run verify() and restore it from a backup (" + name + ")";
        }
        if (code == SQLiteErrorCode.SQLITE_NOTADB) {
            return "the file is not a SQLite database, or its header is damaged (" + name + ")";
        }
        if (name.startsWith("SQLITE_IOERR")) {
            return "the operating system reported an I/O error on the file (" + name + ")";
        }
        if (name.startsWith("SQLITE_CANTOPEN")) {
            return "the file cannot be opened; check that its directory exists and is accessible (" + name + ")";
        }
        return detail;
    }
}
