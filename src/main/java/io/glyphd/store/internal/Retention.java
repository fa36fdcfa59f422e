package io.glyphd.store.internal;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.RetentionPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Applies a {@link RetentionPolicy}, the same way on every backend. */
final class Retention {
    // Only the import as it was planned: a re-import since then refreshed imported_at (and is kept).
    private static final String DELETE_PLANNED_IMPORT = """
            DELETE FROM imports WHERE import_id = ? AND imported_at = ? RETURNING record_count""";

    private Retention() {
    }

    /**
     * Returns the imports {@code policy} does not keep, oldest first.
     *
     * @param imports every import, newest first (ties by import id), as {@link ListingQueries#listImports} lists them
     * @param now the time the prune starts, which {@link RetentionPolicy#maxAge()} counts back from
     */
    static List<ImportMetadata> unkept(List<ImportMetadata> imports, RetentionPolicy policy, Instant now) {
        Instant cutoff = cutoff(policy, now);
        Map<String, Integer> seen = new HashMap<>(); // per source; null (no source) is a key of its own
        List<ImportMetadata> unkept = new ArrayList<>();
        for (ImportMetadata i : imports) {
            int rank = seen.merge(i.source(), 1, Integer::sum);
            boolean newest = policy.keepNewest() != null && rank <= policy.keepNewest();
            boolean young = cutoff != null && !i.importedAt().isBefore(cutoff);
            if (!newest && !young) {
                unkept.add(i);
            }
        }
        Collections.reverse(unkept);
        return unkept;
    }

    private static Instant cutoff(RetentionPolicy policy, Instant now) {
        if (policy.maxAge() == null) {
            return null;
        }
        try {
            return now.minus(policy.maxAge());
        } catch (DateTimeException | ArithmeticException e) {
            return Instant.MIN; // an age longer than the calendar keeps everything
        }
    }

    /**
     * Deletes {@code planned}, with its listings (ON DELETE CASCADE), if it is still as it was planned.
     *
     * @return the number of listings it held, or empty if it was re-imported or deleted since
     */
    static OptionalLong delete(Connection connection, SqlDialect dialect, ImportMetadata planned)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_PLANNED_IMPORT)) {
            delete.setString(1, planned.importId());
            delete.setObject(2, dialect.instantValue(planned.importedAt()));
            try (ResultSet rs = delete.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }
}
