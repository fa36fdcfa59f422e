package io.glyphd.store.sqlite;

import io.glyphd.store.internal.SqlScript;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Files as the previous release left them (schema version 1, rollback journal), at sizes where opening takes a
 * while, and exact snapshots of what a store file holds, for tests that break an open and check what survived.
 */
final class VersionOneFile {
    /** The import every file holds. */
    static final String IMPORT_ID = "v1-import";

    private VersionOneFile() {
    }

    /** Writes a version-1 store with one import of {@code rows} listings, in one transaction of plain JDBC. */
    static Path write(Path file, int rows) throws SQLException {
        return write(file, rows, SqliteSchema.APPLICATION_ID);
    }

    /** As {@link #write(Path, int)}, marked with {@code applicationId}: another application's look-alike. */
    static Path write(Path file, int rows, int applicationId) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : SqlScript.load(SqliteSchema.class, "schema.sql")) {
                s.execute(sql);
            }
            s.execute("PRAGMA application_id = " + applicationId);
            s.execute("PRAGMA user_version = 1");
            s.execute("INSERT INTO imports (id, import_id, imported_at, source, record_count) VALUES (1, '" + IMPORT_ID
                    + "', 1750000000000000, 'v1.csv', " + rows + ")");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                    + " INSERT INTO listings (import_key, import_index, canonical_model, price_micros, score, region,"
                    + " title, source_url, seen_at) SELECT 1, i, 'M' || (i % 50), 100000000 + i * 1000, i / 1000.0,"
                    + " CASE i % 3 WHEN 0 THEN 'USA' ELSE 'EU' END, 'v1 listing #' || i,"
                    + " 'https://shop.example/item/' || (i % 5000), 1750000000000000 + i FROM n");
            c.commit();
        }
        return file;
    }

    /**
     * Returns every row of {@code imports} and {@code listings}, in key order, one string per row, read through
     * a read-only connection: equal snapshots mean equal data.
     */
    static List<String> snapshot(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        List<String> rows = new ArrayList<>();
        try (Connection c = config.createConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String table : List.of("imports", "listings")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(table);
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.append('|').append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
            }
            c.commit();
        }
        return rows;
    }

    /** Returns the file's {@code user_version}, read through a read-only connection. */
    static int version(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            return SqliteSchema.intPragma(s, "user_version");
        }
    }
}
