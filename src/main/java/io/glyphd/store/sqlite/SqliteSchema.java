package io.glyphd.store.sqlite;

import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.Migrations;
import io.glyphd.store.internal.SqlScript;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * Recognises, creates and migrates glyphd-store's SQLite schema.
 *
 * <p>Version {@code n} of the schema is the first {@code n} scripts of {@link #MIGRATIONS}, applied in order;
 * the version is kept in {@code PRAGMA user_version} and the file is marked as ours with
 * {@code PRAGMA application_id}. A released script is never edited: a change is a new script.
 *
 * <p>Migration protocol, in one IMMEDIATE transaction: read {@code user_version} (again, under the write lock);
 * run every script after it, one statement at a time; set {@code user_version} and {@code application_id};
 * commit. If any step fails, the commit included (where a full disk or an I/O error usually surfaces), everything
 * is rolled back and the file stays at the version it had; the error says which step failed and the version the
 * file was left at.
 * Script names are checked when this class loads: {@code schema.sql} first, then {@code V2__<name>.sql},
 * {@code V3__<name>.sql}, ... with no gaps, so the list cannot be misordered.
 */
final class SqliteSchema {
    /** "GLYP" in ASCII: marks a SQLite file as a glyphd-store database. */
    static final int APPLICATION_ID = 0x474C5950;
    /** Migration scripts, next to this class; script {@code i} (0-based) brings the schema to version i + 1. */
    static final List<String> MIGRATIONS = List.of("schema.sql", "V2__listing_identity.sql",
            "V3__current_market.sql", "V4__import_fingerprint.sql", "V5__model_indexes_carry_import_key.sql",
            "V6__in_stock.sql");
    static final int CURRENT_VERSION = Migrations.checkNames(MIGRATIONS);

    private static final Logger LOG = LoggerFactory.getLogger(SqliteSchema.class);
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_SIZE = 100;
    /** Where the database header keeps {@code PRAGMA application_id}, a big-endian int. */
    private static final int APPLICATION_ID_OFFSET = 68;
    /** How long reading the version back after a failed migration waits for a lock: nobody should hold one. */
    private static final int VERSION_READ_BACK_WAIT_MILLIS = 2_000;

    private SqliteSchema() {
    }

    /** What {@link #inspect} found at a path. */
    enum State {
        /** No file, an empty file, or an empty SQLite database: the schema will be created. */
        NEW,
        /** A glyphd-store database at an older version: it will be migrated. */
        OLDER,
        /** A glyphd-store database at this build's version. */
        CURRENT
    }

    /**
     * Checks, without writing a byte, that the file at {@code file} is absent, empty, or a glyphd-store database
     * this build can open: reads the header, then {@code application_id}, {@code user_version} and the schema
     * table (the {@code imports} and {@code listings} tables must be there) through a read-only connection. Nothing
     * is scanned, so this is cheap at any size; damage elsewhere in the file is found by the operation that meets
     * it, or by {@code verify()}. A hot journal is reported, as a read-only open must do; see
     * {@link #inspect(Path, boolean)}.
     *
     * @throws SchemaVersionException if the file is not a glyphd-store database, lacks its tables or its schema is
     *         newer
     * @throws StoreException if the file cannot be read or is damaged where these checks read
     */
    static State inspect(Path file) {
        return inspect(file, false, Duration.ZERO);
    }

    /**
     * {@link #inspect(Path)}, recovering first, if {@code writable}, from a writer that stopped mid-transaction in
     * rollback-journal mode, waiting up to {@code lockWait} for other processes doing the same.
     *
     * <p>Such a writer (killed, or the power cut) leaves a hot journal: the file holds part of an uncommitted
     * transaction and {@code <file>-journal} the pages it overwrote. A read-only connection cannot roll that back
     * (SQLITE_READONLY_ROLLBACK), so the inspection cannot read the file. Rolling back writes the file, so it is
     * done only for a file whose own header carries glyphd-store's {@code application_id} (a transaction never
     * changes it once set), and only for a writable open: a writable SQLite connection does exactly this on its
     * first read. A foreign file with a hot journal is refused and left as it was, journal included. A WAL left by
     * a crash needs nothing here: a read-only connection reads its committed frames and ignores the rest, and the
     * writable connections opened next recover it.
     *
     * @throws SchemaVersionException as {@link #inspect(Path)}, and for a foreign file with a hot journal
     * @throws StoreException as {@link #inspect(Path)}, and for a read-only open of a store with a hot journal
     */
    static State inspect(Path file, boolean writable, Duration lockWait) {
        byte[] header = readHeader(file);
        if (header == null) {
            return State.NEW;
        }
        try {
            return inspectSchema(file);
        } catch (SQLException e) {
            if (SqliteErrors.code(e) != SQLiteErrorCode.SQLITE_READONLY_ROLLBACK) {
                throw inspectionFailed(file, e);
            }
            int applicationId = ByteBuffer.wrap(header, APPLICATION_ID_OFFSET, Integer.BYTES).getInt();
            String journal = file.getFileName() + "-journal";
            if (applicationId != APPLICATION_ID) {
                throw new SchemaVersionException("Cannot open " + file + ": it is a SQLite database with a hot"
                        + " journal (" + journal + ", left by a writer that stopped mid-transaction) and its header"
                        + " does not mark it as a glyphd-store database (application_id " + applicationId + "); both"
                        + " files were left untouched. Open it with the application that wrote it, which rolls the"
                        + " journal back", -1, CURRENT_VERSION, e);
            }
            if (!writable) {
                throw new StoreException("Cannot open " + file + " read-only: a writer stopped mid-transaction and"
                        + " left a hot journal (" + journal + ") that must be rolled back first, which writes the"
                        + " file. Open the store writable once (new SqliteListingStore(path), or any glyphd-store"
                        + " command that writes, such as import), then read-only again", e);
            }
            rollBackHotJournal(file, lockWait);
            try {
                return inspectSchema(file);
            } catch (SQLException again) {
                again.addSuppressed(e);
                throw inspectionFailed(file, again);
            }
        }
    }

    /**
     * Reads the 100-byte database header, or returns null for a missing or empty file (a new store).
     *
     * @throws SchemaVersionException if the file has no SQLite header
     */
    private static byte[] readHeader(Path file) {
        try {
            if (!Files.exists(file)) {
                return null;
            }
            if (Files.isDirectory(file)) {
                throw new StoreException("Cannot open " + file + ": it is a directory, not a database file");
            }
            long size = Files.size(file);
            if (size == 0) {
                return null;
            }
            byte[] header = new byte[HEADER_SIZE];
            int read;
            try (InputStream in = Files.newInputStream(file)) {
                read = in.readNBytes(header, 0, HEADER_SIZE);
            }
            if (read < MAGIC.length || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new SchemaVersionException("Cannot open " + file + ": it is not a SQLite database (no SQLite"
                        + " header in its first bytes; " + size + " bytes)", -1, CURRENT_VERSION, null);
            }
            if (read < HEADER_SIZE) {
                throw new SchemaVersionException("Cannot open " + file + ": the SQLite file is truncated (" + size
                        + " bytes, shorter than its 100-byte header)", -1, CURRENT_VERSION, null);
            }
            return header;
        } catch (IOException e) {
            throw new StoreException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the schema's marks through a read-only connection; see {@link #inspect(Path)}. */
    private static State inspectSchema(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            int applicationId = intPragma(statement, "application_id");
            int version = intPragma(statement, "user_version");
            long objects;
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                rs.next();
                objects = rs.getLong(1);
            }
            if (applicationId == 0 && version == 0 && objects == 0) {
                return State.NEW;
            }
            if (applicationId != APPLICATION_ID) {
                throw new SchemaVersionException("Cannot open " + file + ": it is a SQLite database of another"
                        + " application, not a glyphd-store database (application_id " + applicationId + ", "
                        + objects + " schema objects)", version, CURRENT_VERSION, null);
            }
            if (version > CURRENT_VERSION) {
                throw new SchemaVersionException("Cannot open " + file + ": it has schema version " + version
                        + "; this build supports up to " + CURRENT_VERSION + ". Use a newer glyphd-store.",
                        version, CURRENT_VERSION, null);
            }
            if (version < 1) {
                throw new SchemaVersionException("Cannot open " + file + ": it is marked as a glyphd-store database"
                        + " but has no schema version (user_version " + version + ")", version, CURRENT_VERSION,
                        null);
            }
            requireTables(statement, file, version);
            return version == CURRENT_VERSION ? State.CURRENT : State.OLDER;
        }
    }

    private static StoreException inspectionFailed(Path file, SQLException e) {
        if (SqliteErrors.code(e) == SQLiteErrorCode.SQLITE_NOTADB) {
            return new SchemaVersionException("Cannot open " + file + ": " + SqliteErrors.meaning(e), -1,
                    CURRENT_VERSION, e);
        }
        return SqliteErrors.translate("Cannot open", file, e);
    }

    /**
     * Rolls back a hot journal as SQLite does: the first read on a writable connection takes the exclusive lock
     * (waiting up to the store's lock wait for other processes, one of which may be doing the same), copies the
     * journal's pages back into the file and deletes the journal.
     */
    private static void rollBackHotJournal(Path file, Duration lockWait) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(SqliteListingStore.busyTimeoutMillis(lockWait));
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            intPragma(statement, "user_version");
        } catch (SQLException e) {
            throw SqliteErrors.translate("Cannot roll back the hot journal a stopped writer left beside", file, e);
        }
        LOG.warn("{}: rolled back the hot journal of a writer that stopped mid-transaction; the file is at its last"
                + " commit", file);
    }

    /**
     * Refuses a file with more than one hard link: SQLite names the write-ahead log after the path it was given
     * ({@code <path>-wal}), so writers using two names of one file keep two logs, and a commit in one is lost when
     * the other is checkpointed. Symbolic links are no hazard: SQLite resolves them before naming the log. A file
     * system without link counts (not unix) is not checked.
     *
     * @throws StoreException if the file has several links
     */
    static void requireOneName(Path file) {
        Object links;
        try {
            links = Files.getAttribute(file, "unix:nlink");
        } catch (NoSuchFileException | UnsupportedOperationException | IllegalArgumentException e) {
            return;
        } catch (IOException e) {
            throw new StoreException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (links instanceof Integer count && count > 1) {
            throw new StoreException("Cannot open " + file + " for writing: the file has " + count + " hard links"
                    + " (names). SQLite keeps one write-ahead log per name, so two writers using two names would"
                    + " silently lose commits. Give the file one name (remove the other links, which"
                    + " `find / -xdev -samefile " + file + "` lists, or copy it to a new file and use the copy);"
                    + " it can still be opened read-only");
        }
    }

    /**
     * Creates or migrates the schema in one IMMEDIATE transaction on {@code connection}, re-reading the version
     * inside it so that two processes opening a new file at once create the schema once.
     *
     * <p>Any failure from the {@code BEGIN} to the {@code COMMIT} rolls the transaction back. Most write failures
     * (a full disk, an I/O error) surface only at the commit, when SQLite first writes the pages the statements
     * changed in its cache; SQLite then rolls back by itself. Either way the exception names the step that failed
     * and the version the file is at afterwards, read back through a connection of its own rather than assumed.
     *
     * @return the version the file had before (0 for a new file)
     * @throws SchemaVersionException if a statement of a script fails for a reason of its own (not the storage)
     * @throws StoreException if the storage fails (disk full, I/O error, lock) at any step of the transaction
     */
    static int createOrMigrate(Connection connection, Path file) throws SQLException {
        int found = -1;
        String step = "the write transaction could not begin";
        try {
            SqliteDatabase.beginImmediate(connection);
            try (Statement statement = connection.createStatement()) {
                step = "reading the schema version failed";
                found = intPragma(statement, "user_version");
                if (found > CURRENT_VERSION) {
                    throw new SchemaVersionException("Cannot open " + file + ": it has schema version " + found
                            + "; this build supports up to " + CURRENT_VERSION, found, CURRENT_VERSION, null);
                }
                for (int version = found + 1; version <= CURRENT_VERSION; version++) {
                    String script = MIGRATIONS.get(version - 1);
                    List<String> statements = SqlScript.load(SqliteSchema.class, script);
                    for (int i = 0; i < statements.size(); i++) {
                        step = "statement " + (i + 1) + " of " + script + " failed";
                        statement.execute(statements.get(i));
                    }
                    LOG.debug("{}: applied {} (schema version {})", file, script, version);
                }
                step = "setting the schema version failed";
                statement.execute("PRAGMA application_id = " + APPLICATION_ID);
                statement.execute("PRAGMA user_version = " + CURRENT_VERSION);
                step = "the commit failed";
                connection.commit();
            }
        } catch (SQLException e) {
            rollBack(connection, e);
            throw migrationFailed(file, found, step, e);
        } catch (RuntimeException e) {
            rollBack(connection, e);
            throw e;
        }
        // Committed: a failure from here on is no failure of the migration, and is reported as it is.
        connection.setAutoCommit(true);
        return found;
    }

    /**
     * Rolls back what the failed transaction left; a failure to do so is kept as suppressed. After a failed commit
     * SQLite has usually rolled back by itself, and the driver's rollback then fails saying no transaction is active.
     */
    private static void rollBack(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Describes a failed creation or migration: what was being done, the step that failed, why, and the version
     * the file is at now, read back from the file. A storage failure (disk full, I/O, lock) stays a
     * {@link StoreException}, as it says nothing about the schema.
     */
    private static StoreException migrationFailed(Path file, int found, String step, SQLException e) {
        int now = versionOnFile(file, e);
        int from = found >= 0 ? found : now;
        String action = from == 0 ? "Cannot create the schema of " + file
                : from > 0 ? "Cannot migrate " + file + " from schema version " + from + " to " + CURRENT_VERSION
                : "Cannot create or migrate the schema of " + file;
        String outcome;
        if (now < 0) {
            outcome = "; it was rolled back, but the file's schema version could not be read back to confirm it";
        } else if (now != from) {
            outcome = "; the file is now at schema version " + now;
        } else if (now == 0) {
            outcome = "; it was rolled back: the file was left as it was, without a schema, and the next writable"
                    + " open creates it";
        } else {
            outcome = "; it was rolled back: the file was left as it was, at schema version " + now
                    + ", and the next writable open migrates it again";
        }
        String message = action + ": " + step + ": " + SqliteErrors.meaning(e) + outcome;
        if (SqliteErrors.poisonsConnection(e)) {
            return new StoreException(message, e);
        }
        return new SchemaVersionException(message, from, CURRENT_VERSION, e);
    }

    /**
     * Reads {@code user_version} through a read-only connection of its own, which sees only what was committed;
     * returns -1 (the failure kept as suppressed on {@code failure}) if it cannot.
     */
    private static int versionOnFile(Path file, SQLException failure) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(VERSION_READ_BACK_WAIT_MILLIS);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            return intPragma(statement, "user_version");
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return -1;
        }
    }

    /**
     * Returns the schema version ({@code user_version}) of a glyphd-store file, read through a read-only connection;
     * for messages about a file {@link #inspect} found {@link State#OLDER}.
     */
    static int version(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            return intPragma(statement, "user_version");
        } catch (SQLException e) {
            throw SqliteErrors.translate("Cannot open", file, e);
        }
    }

    /** Checks that the tables every schema version has are there, so a stripped file is refused at open. */
    private static void requireTables(Statement statement, Path file, int version) throws SQLException {
        List<String> found = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'"
                + " AND name IN ('imports', 'listings') ORDER BY name")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        if (found.size() < 2) {
            throw new SchemaVersionException("Cannot open " + file + ": it is marked as a glyphd-store database"
                    + " (schema version " + version + ") but lacks its tables: found " + found + " of [imports,"
                    + " listings]", version, CURRENT_VERSION, null);
        }
    }

    static int intPragma(Statement statement, String pragma) throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA " + pragma)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
