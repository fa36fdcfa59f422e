package io.glyphd.store.internal;

import io.glyphd.store.VerifyReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The store's own invariants, which no engine checks for it, in SQL every backend runs as it is: each import holds
 * exactly the rows it recorded, numbered 1..n, and no listing lacks its import. Part of every backend's
 * {@code verify()}. Reads only.
 */
public final class StoreInvariants {
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

    private StoreInvariants() {
    }

    /** Adds a finding per import whose rows disagree with its record to {@code integrity}. */
    public static void checkImportCounts(Connection connection, List<String> integrity) throws SQLException {
        try (PreparedStatement counts = connection.prepareStatement(COUNTS)) {
            counts.setInt(1, VerifyReport.MAX_PROBLEMS);
            try (ResultSet rs = counts.executeQuery()) {
                while (rs.next()) {
                    long held = rs.getLong(3);
                    long last = rs.getLong(4);
                    integrity.add("import " + rs.getString(1) + " records " + rs.getLong(2) + " listings but holds "
                            + held + (last != held ? ", numbered up to " + last : ""));
                }
            }
        }
    }

    /** Adds a finding per listing whose import is missing (at most {@link VerifyReport#MAX_PROBLEMS}). */
    public static void checkOrphans(Connection connection, List<String> foreignKeys) throws SQLException {
        try (PreparedStatement orphans = connection.prepareStatement(ORPHANS)) {
            orphans.setInt(1, VerifyReport.MAX_PROBLEMS);
            try (ResultSet rs = orphans.executeQuery()) {
                while (rs.next()) {
                    foreignKeys.add("listings row " + rs.getLong(1) + " refers to a missing row in imports ("
                            + rs.getLong(2) + ")");
                }
            }
        }
    }
}
