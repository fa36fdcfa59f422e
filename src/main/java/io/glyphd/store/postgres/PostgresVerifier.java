package io.glyphd.store.postgres;

import io.glyphd.store.VerifyReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what PostgreSQL itself does not: that every import holds the rows it recorded, numbered 1..n; that no
 * listing lacks its import; that every index of the store's tables is valid (an interrupted {@code CREATE INDEX
 * CONCURRENTLY} leaves one that is not). Page-level damage is the server's to detect (data checksums, amcheck).
 * Reads only, in one snapshot. Stateless.
 */
final class PostgresVerifier {
    private static final String COUNTS = """
            SELECT i.import_id, i.record_count, count(l.id), coalesce(max(l.import_index), 0)
            FROM imports i LEFT JOIN listings l ON l.import_key = i.id
            GROUP BY i.id, i.import_id, i.record_count
            HAVING count(l.id) <> i.record_count OR coalesce(max(l.import_index), 0) <> count(l.id)
            ORDER BY i.import_id
            LIMIT ?""";
    private static final String ORPHANS = """
            SELECT l.id, l.import_key FROM listings l
            WHERE NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = l.import_key)
            ORDER BY l.id LIMIT ?""";
    private static final String INVALID_INDEXES = """
            SELECT c.relname FROM pg_index x
            JOIN pg_class c ON c.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = ? AND t.relname IN ('imports', 'listings') AND NOT (x.indisvalid AND x.indisready)
            ORDER BY c.relname""";

    private PostgresVerifier() {
    }

    static VerifyReport verify(Connection connection, String where, String schema) throws SQLException {
        List<String> integrity = new ArrayList<>();
        List<String> foreignKeys = new ArrayList<>();
        try (PreparedStatement counts = connection.prepareStatement(COUNTS)) {
            counts.setInt(1, VerifyReport.MAX_PROBLEMS);
            try (ResultSet rs = counts.executeQuery()) {
                while (rs.next()) {
                    integrity.add("import " + rs.getString(1) + " records " + rs.getLong(2) + " listings but holds "
                            + rs.getLong(3) + (rs.getLong(4) != rs.getLong(3) ? ", numbered up to " + rs.getLong(4)
                            : ""));
                }
            }
        }
        try (PreparedStatement invalid = connection.prepareStatement(INVALID_INDEXES)) {
            invalid.setString(1, schema);
            try (ResultSet rs = invalid.executeQuery()) {
                while (rs.next()) {
                    integrity.add("index " + rs.getString(1) + " is not valid; rebuild it with REINDEX");
                }
            }
        }
        try (PreparedStatement orphans = connection.prepareStatement(ORPHANS)) {
            orphans.setInt(1, VerifyReport.MAX_PROBLEMS);
            try (ResultSet rs = orphans.executeQuery()) {
                while (rs.next()) {
                    foreignKeys.add("listings row " + rs.getLong(1) + " refers to a missing row in imports ("
                            + rs.getLong(2) + ")");
                }
            }
        }
        return new VerifyReport(where, integrity, foreignKeys);
    }
}
