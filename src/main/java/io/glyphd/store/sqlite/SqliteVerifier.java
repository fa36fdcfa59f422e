package io.glyphd.store.sqlite;

import io.glyphd.store.VerifyReport;
import io.glyphd.store.internal.StoreInvariants;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs SQLite's {@code integrity_check} and {@code foreign_key_check}, then, on a sound file, the store's own
 * invariants ({@link StoreInvariants}), and turns their findings into a {@link VerifyReport}. Reads only. Stateless.
 */
final class SqliteVerifier {
    private static final String INTEGRITY_CHECK = "PRAGMA integrity_check(" + VerifyReport.MAX_PROBLEMS + ")";
    private static final String FOREIGN_KEY_CHECK = "PRAGMA foreign_key_check";

    private SqliteVerifier() {
    }

    /**
     * Checks the file behind {@code connection}. Damage that stops a check (SQLITE_CORRUPT, SQLITE_NOTADB) becomes a
     * finding; any other error is thrown.
     */
    static VerifyReport verify(Connection connection, Path file) throws SQLException {
        List<String> integrity = new ArrayList<>();
        List<String> foreignKeys = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            try {
                integrityCheck(statement, integrity);
            } catch (SQLException e) {
                if (!SqliteErrors.isDamage(e)) {
                    throw e;
                }
                integrity.add("the integrity check stopped: " + SqliteErrors.meaning(e));
            }
            try {
                foreignKeyCheck(statement, foreignKeys);
            } catch (SQLException e) {
                if (!SqliteErrors.isDamage(e)) {
                    throw e;
                }
                integrity.add("the foreign key check stopped: " + SqliteErrors.meaning(e));
            }
        }
        if (integrity.isEmpty()) {
            // Only on a sound file: SQLite's own checks come first, and these read through the same pages.
            StoreInvariants.checkImportCounts(connection, integrity);
        }
        return new VerifyReport(file.toString(), integrity, foreignKeys);
    }

    private static void integrityCheck(Statement statement, List<String> problems) throws SQLException {
        try (ResultSet rs = statement.executeQuery(INTEGRITY_CHECK)) {
            while (rs.next()) {
                String finding = rs.getString(1);
                if (!"ok".equals(finding)) {
                    problems.add(finding);
                }
            }
        }
    }

    private static void foreignKeyCheck(Statement statement, List<String> problems) throws SQLException {
        long found = 0;
        try (ResultSet rs = statement.executeQuery(FOREIGN_KEY_CHECK)) {
            while (rs.next()) {
                found++;
                if (found <= VerifyReport.MAX_PROBLEMS) {
                    problems.add(rs.getString(1) + " row " + rs.getLong(2) + " refers to a missing row in "
                            + rs.getString(3));
                }
            }
        }
        if (found > VerifyReport.MAX_PROBLEMS) {
            problems.add("... and " + (found - VerifyReport.MAX_PROBLEMS) + " more");
        }
    }
}
