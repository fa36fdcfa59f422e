package io.glyphd.store.postgres;

import io.glyphd.store.VerifyReport;
import io.glyphd.store.internal.StoreInvariants;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what PostgreSQL itself does not: the store's invariants ({@link StoreInvariants}), and that every index of
 * the store's tables is valid (an interrupted {@code CREATE INDEX
 * CONCURRENTLY} leaves one that is not). Page-level damage is the server's to detect (data checksums, amcheck).
 * Reads only, in one snapshot. Stateless.
 */
final class PostgresVerifier {
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
        StoreInvariants.checkImportCounts(connection, integrity);
        try (PreparedStatement invalid = connection.prepareStatement(INVALID_INDEXES)) {
            invalid.setString(1, schema);
            try (ResultSet rs = invalid.executeQuery()) {
                while (rs.next()) {
                    integrity.add("index " + rs.getString(1) + " is not valid; rebuild it with REINDEX");
                }
            }
        }
        StoreInvariants.checkOrphans(connection, foreignKeys);
        return new VerifyReport(where, integrity, foreignKeys);
    }
}
