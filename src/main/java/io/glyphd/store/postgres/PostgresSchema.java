package io.glyphd.store.postgres;

import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.Migrations;
import io.glyphd.store.internal.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recognises, creates and migrates glyphd-store's schema in one PostgreSQL schema (namespace).
 *
 * <p>Version {@code n} of the schema is the first {@code n} scripts of {@link #MIGRATIONS}, applied in order; the
 * table {@code glyphd_store_schema} holds one row per applied script and marks the schema as glyphd-store's. A
 * released script is never edited: a change is a new script. Script names are checked when this class loads:
 * {@code schema.sql} first, then {@code V2__<name>.sql}, {@code V3__<name>.sql}, ... with no gaps.
 *
 * <p>Protocol of {@link #createOrMigrate}:
 * <ol>
 * <li>Without a lock or a write, read the catalog: if {@code glyphd_store_schema}, {@code imports} and
 *     {@code listings} are there and the version is this build's, return. Many instances starting at once take
 *     this path and never queue on each other.
 * <li>Otherwise, in one READ COMMITTED transaction: take the transaction-scoped advisory lock
 *     ({@link #LOCK_CLASS_ID}, {@code hashtext(schema)}), so that two instances creating one schema at once do not
 *     race (without it, the second fails on a duplicate key in {@code pg_type}); the lock is released with the
 *     transaction, even if the connection is lost.
 * <li>Read the catalog again, under the lock; READ COMMITTED so that this read sees what an instance that held the
 *     lock before committed (a pool's REPEATABLE READ default would read the snapshot taken before the lock).
 * <li>Refuse, touching nothing, a schema whose version is newer than this build, one that holds a relation named
 *     {@code imports} or {@code listings} but no {@code glyphd_store_schema} (it belongs to something else), and one
 *     that has {@code glyphd_store_schema} but lacks {@code imports} or {@code listings}. Return if the version is
 *     this build's (another instance created it while this one waited).
 * <li>If the schema is missing, {@code CREATE SCHEMA IF NOT EXISTS}: only then, because that statement needs CREATE
 *     on the database even when the schema exists. Set {@code search_path} to the schema for this transaction only
 *     ({@code set_config(..., true)}), so the scripts need no schema names and a pooled connection keeps its own.
 * <li>Run every missing script (as one string, which the driver splits), insert its row into
 *     {@code glyphd_store_schema}, commit. Any failure rolls everything back (PostgreSQL's DDL is transactional):
 *     the schema stays as it was.
 * </ol>
 * The connection is left in auto-commit mode with its {@code search_path} unchanged. Stateless and thread-safe;
 * one connection must not be used by two threads at once.
 */
final class PostgresSchema {
    /**
     * "GLYP" in ASCII, as SQLite's application_id: the first key of glyphd-store's advisory locks. The second is
     * {@code hashtext(schema)}, so stores in different schemas (or databases: advisory locks are per database) do
     * not wait for each other, and a hash collision only makes two of them take turns.
     */
    static final int LOCK_CLASS_ID = 0x474C5950;
    /** Migration scripts, next to this class; script {@code i} (0-based) brings the schema to version i + 1. */
    static final List<String> MIGRATIONS = List.of("schema.sql", "V2__import_fingerprint.sql",
            "V3__in_stock.sql");
    static final int CURRENT_VERSION = Migrations.checkNames(MIGRATIONS);

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSchema.class);
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String VERSION_TABLE = "glyphd_store_schema";

    private static final String FIND_TABLES = """
            SELECT c.relname, c.relkind
            FROM pg_catalog.pg_namespace n
            LEFT JOIN pg_catalog.pg_class c
                ON c.relnamespace = n.oid AND c.relname IN ('imports', 'listings', 'glyphd_store_schema')
            WHERE n.nspname = ?
            """;
    // The schema name in these (%s) is a checked identifier, quoted; values are bound.
    private static final String READ_VERSION = """
            SELECT max(version) FROM %s.glyphd_store_schema
            """;
    private static final String INSERT_VERSION = """
            INSERT INTO %s.glyphd_store_schema (version, script) VALUES (?, ?)
            """;
    private static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS %s";
    private static final String READ_COMMITTED = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
    private static final String LOCK = "SELECT pg_advisory_xact_lock(?, hashtext(?))";
    private static final String SET_SEARCH_PATH = "SELECT set_config('search_path', ?, true)";

    private PostgresSchema() {
    }

    /**
     * Creates or migrates glyphd-store's schema in {@code schema} through {@code connection}, following the
     * protocol in the class description.
     *
     * @param connection a connection in auto-commit mode, e.g. from the caller's pool; left in auto-commit mode
     *        with its search_path unchanged
     * @param schema the schema's name, already checked to be a lower-case identifier ({@code [a-z_][a-z0-9_]*}, at
     *        most 63 characters, not {@code pg_*} nor {@code information_schema}); checked again here
     * @param where what names the database in messages, e.g. from {@link PostgresErrors#describe}
     * @return the version the schema had before: 0 if it was created, {@link #CURRENT_VERSION} if it was current
     * @throws SchemaVersionException if the schema is newer than this build, not glyphd-store's, lacks its tables,
     *         or a script fails on what the schema holds; nothing is changed
     * @throws StoreException if the database cannot be read or written (connection lost, privilege missing, disk
     *         full, ...); nothing is changed
     * @throws IllegalArgumentException if {@code schema} is not such an identifier or the connection is not in
     *         auto-commit mode
     */
    static int createOrMigrate(Connection connection, String schema, String where) {
        Objects.requireNonNull(schema, "schema");
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63"
                    + " characters), was " + schema);
        }
        if (schema.startsWith("pg_") || schema.equals("information_schema")) {
            throw new IllegalArgumentException("schema must not be one of PostgreSQL's own (pg_*,"
                    + " information_schema), was " + schema);
        }
        try {
            if (!connection.getAutoCommit()) {
                throw new IllegalArgumentException("Cannot create the glyphd-store schema in " + where + ": the"
                        + " connection is not in auto-commit mode, and committing the schema would commit the"
                        + " caller's open transaction with it");
            }
            Found found = inspect(connection, schema);
            if (found.isCurrent()) {
                return CURRENT_VERSION;
            }
        } catch (SQLException e) {
            throw PostgresErrors.translate("Cannot read the glyphd-store schema of", where, e);
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw PostgresErrors.translate("Cannot start the transaction that creates the glyphd-store schema in",
                    where, e);
        }
        try {
            int before = createOrMigrateLocked(connection, schema, where);
            connection.commit();
            connection.setAutoCommit(true);
            return before;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            try {
                connection.setAutoCommit(true);
            } catch (SQLException autoCommit) {
                e.addSuppressed(autoCommit);
            }
            if (e instanceof SQLException s) {
                throw PostgresErrors.translate("Cannot create or migrate the glyphd-store schema in", where, s);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Checks, without locking or writing, that {@code schema} holds glyphd-store's tables at this build's version;
     * for a read-only store, which must not create or migrate anything.
     *
     * @return {@link #CURRENT_VERSION}
     * @throws SchemaVersionException if the schema is newer, foreign or lacks its tables, or older and must first be
     *         migrated ({@link SchemaVersionException#found()} below {@link SchemaVersionException#supported()})
     * @throws StoreException if there is no glyphd-store schema there
     */
    static int requireCurrent(Connection connection, String schema, String where) {
        Found found;
        try {
            found = inspect(connection, schema);
        } catch (SQLException e) {
            throw PostgresErrors.translate("Cannot read the glyphd-store schema of", where, e);
        }
        if (found.isCurrent()) {
            return CURRENT_VERSION;
        }
        check(found, where);
        if (found.version() == 0) {
            throw new StoreException("Cannot open " + where + " read-only: there is no glyphd-store schema there;"
                    + " open it writable once to create it");
        }
        throw new SchemaVersionException("Cannot open " + where + " read-only: it has schema version "
                + found.version() + " of an older release, and this build reads version " + CURRENT_VERSION
                + "; opening it writable once migrates it", found.version(), CURRENT_VERSION, null);
    }

    private static int createOrMigrateLocked(Connection connection, String schema, String where)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(READ_COMMITTED);
        }
        try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
            lock.setInt(1, LOCK_CLASS_ID);
            lock.setString(2, schema);
            lock.execute();
        }
        Found found = inspect(connection, schema);
        check(found, where);
        if (found.version() == CURRENT_VERSION) {
            return CURRENT_VERSION;
        }
        if (!found.schemaExists()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(CREATE_SCHEMA.formatted(quote(schema)));
            }
        }
        try (PreparedStatement searchPath = connection.prepareStatement(SET_SEARCH_PATH)) {
            // pg_temp last: a temporary table of the caller's session named imports must not stand in for ours.
            searchPath.setString(1, quote(schema) + ", pg_temp");
            searchPath.execute();
        }
        for (int version = found.version() + 1; version <= CURRENT_VERSION; version++) {
            apply(connection, schema, where, found.version(), version);
        }
        return found.version();
    }

    private static void check(Found found, String where) {
        int version = found.version();
        if (version > CURRENT_VERSION) {
            throw new SchemaVersionException("Cannot open " + where + ": it has schema version " + version
                    + "; this build supports up to " + CURRENT_VERSION + ". Use a newer glyphd-store.", version,
                    CURRENT_VERSION, null);
        }
        if (!found.versionTable()) {
            if (!found.taken().isEmpty()) {
                throw new SchemaVersionException("Cannot open " + where + ": it holds " + String.join(" and ",
                        found.taken()) + " but no " + VERSION_TABLE + " table, so they belong to something other"
                        + " than glyphd-store; it was left untouched. Use another schema for the store.", -1,
                        CURRENT_VERSION, null);
            }
            return;
        }
        if (version < 1) {
            throw new SchemaVersionException("Cannot open " + where + ": its " + VERSION_TABLE + " table holds no"
                    + " schema version; it was left untouched", version, CURRENT_VERSION, null);
        }
        if (!found.imports() || !found.listings()) {
            throw new SchemaVersionException("Cannot open " + where + ": it is marked as a glyphd-store schema (schema"
                    + " version " + version + ") but lacks its tables: found " + found.tables().stream()
                    .filter(table -> !table.equals(VERSION_TABLE)).toList() + " of [imports, listings]; it was left"
                    + " untouched", version, CURRENT_VERSION, null);
        }
    }

    private static void apply(Connection connection, String schema, String where, int found, int version)
            throws SQLException {
        String script = MIGRATIONS.get(version - 1);
        try (Statement statement = connection.createStatement()) {
            // One string: the driver splits it (dollar-quoted bodies included) and the server reports the position.
            statement.execute(SqlScript.read(PostgresSchema.class, script));
        } catch (SQLException e) {
            String action = "Cannot " + (found == 0 ? "create the glyphd-store schema in " + where
                    : "migrate " + where + " from schema version " + found + " to " + CURRENT_VERSION)
                    + ": " + script + " failed: " + PostgresErrors.meaning(e) + "; nothing was changed";
            throw scriptFailure(action, found, e);
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_VERSION.formatted(quote(schema)))) {
            insert.setInt(1, version);
            insert.setString(2, script);
            insert.executeUpdate();
        }
        LOG.debug("{}: applied {} (schema version {})", where, script, version);
    }

    /**
     * Returns the exception for a failed script statement: a clash with what the schema holds (an object of the
     * same name, a rule the script breaks) is a schema problem; a lost connection, a missing privilege or a full
     * disk says nothing about the schema and stays a storage error.
     */
    private static StoreException scriptFailure(String action, int found, SQLException e) {
        String state = PostgresErrors.sqlState(e);
        boolean schemaProblem = state != null && (state.startsWith("42") && !state.equals("42501")
                || state.equals("P0001"));
        String message = PostgresErrors.redact(action);
        return schemaProblem ? new SchemaVersionException(message, found, CURRENT_VERSION, e)
                : new StoreException(message, e);
    }

    /**
     * What the catalog holds in one schema: glyphd-store's tables found, each relation that takes the name imports or
     * listings (described for messages), and the version (0 without a version table).
     */
    private record Found(boolean schemaExists, List<String> tables, List<String> taken, int version) {
        boolean versionTable() {
            return tables.contains(VERSION_TABLE);
        }

        boolean imports() {
            return tables.contains("imports");
        }

        boolean listings() {
            return tables.contains("listings");
        }

        boolean isCurrent() {
            return versionTable() && imports() && listings() && version == CURRENT_VERSION;
        }
    }

    /**
     * Reads, without locking or writing, whether the schema exists, which of glyphd-store's tables it holds, every
     * relation named imports or listings there (a table, a view, a sequence, ...), and the schema version (0 if
     * none).
     */
    private static Found inspect(Connection connection, String schema) throws SQLException {
        boolean exists = false;
        List<String> tables = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        try (PreparedStatement find = connection.prepareStatement(FIND_TABLES)) {
            find.setString(1, schema);
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    exists = true;
                    String name = rs.getString(1);
                    if (name == null) {
                        continue;
                    }
                    String kind = rs.getString(2);
                    boolean table = kind.equals("r") || kind.equals("p");
                    if (table) {
                        tables.add(name);
                    }
                    if (!name.equals(VERSION_TABLE)) {
                        taken.add("a " + (table ? "table" : relationKind(kind)) + " named " + name);
                    }
                }
            }
        }
        tables.sort(null);
        taken.sort(null);
        int version = 0;
        if (tables.contains(VERSION_TABLE)) {
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(READ_VERSION.formatted(quote(schema)))) {
                rs.next();
                version = rs.getInt(1);
            }
        }
        return new Found(exists, List.copyOf(tables), List.copyOf(taken), version);
    }

    private static String relationKind(String relkind) {
        switch (relkind) {
            case "v":
                return "view";
            case "m":
                return "materialized view";
            case "f":
                return "foreign table";
            case "S":
                return "sequence";
            case "i":
            case "I":
                return "index";
            default:
                return "relation";
        }
    }

    /** Returns {@code schema} as a quoted identifier; it was checked to hold no quote. */
    private static String quote(String schema) {
        return '"' + schema + '"';
    }
}
