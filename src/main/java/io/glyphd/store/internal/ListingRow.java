package io.glyphd.store.internal;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The listing columns of one result row, read the way a dialect stores them: column numbers are those of
 * {@link ListingQueries#listingColumns}, whatever the dialect's {@link SqlDialect#listingLayout} made of them.
 * One instance reads one row, once per column; not thread-safe.
 */
public abstract class ListingRow {
    /** Reads a text column, or null. */
    public abstract String text(int column) throws SQLException;

    /** Reads an integer column, or null. */
    public abstract Integer integer(int column) throws SQLException;

    /** Reads a real column, or null. */
    public abstract Double real(int column) throws SQLException;

    /** Reads a real column that is never null. */
    public abstract double realValue(int column) throws SQLException;

    /** Reads a price column (never null). */
    public abstract BigDecimal price(int column) throws SQLException;

    /** Reads an instant column, or null. */
    public abstract Instant instant(int column) throws SQLException;

    /** Reads a boolean column, or null. */
    public abstract Boolean bool(int column) throws SQLException;

    /** Reads the heuristics column as an immutable map; SQL NULL is empty. */
    public abstract Map<String, Object> heuristics(int column) throws SQLException;

    /** Returns a row that reads each column from the result set through the dialect's {@code read*} methods. */
    public static ListingRow of(SqlDialect dialect, ResultSet rs) {
        return new Columns(dialect, rs);
    }

    /**
     * How a dialect selects the listing columns and reads them back: a select list with exactly as many columns as
     * it was given, each column number where it was (so that every statement built on it, and every column after
     * it, keeps its number), and the reader of one of its rows. Immutable, thread-safe.
     */
    public interface Layout {
        /** Returns the select list. */
        String selectList();

        /** Returns a reader of the result set's current row. */
        ListingRow row(ResultSet rs) throws SQLException;
    }

    /** What a listing column holds, as far as a {@link Layout} needs to know. */
    public enum Kind {
        /** Text, or null. */
        TEXT,
        /** A 64-bit integer, or null. */
        INTEGER,
        /** A column to select as itself: one an ORDER BY of a compound SELECT names, or a real. */
        PLAIN
    }

    /**
     * One listing column.
     *
     * @param expression the column over aliases {@code l} (listings) and {@code i} (imports)
     * @param kind what it holds
     */
    public record Column(String expression, Kind kind) {
    }

    /** Returns the layout that selects each column as itself. */
    public static Layout columns(SqlDialect dialect, List<Column> columns) {
        String selectList = String.join(", ", columns.stream().map(Column::expression).toList());
        return new Layout() {
            @Override
            public String selectList() {
                return selectList;
            }

            @Override
            public ListingRow row(ResultSet rs) {
                return new Columns(dialect, rs);
            }
        };
    }

    /** One JDBC value per listing column. */
    private static final class Columns extends ListingRow {
        private final SqlDialect dialect;
        private final ResultSet rs;

        Columns(SqlDialect dialect, ResultSet rs) {
            this.dialect = dialect;
            this.rs = rs;
        }

        @Override
        public String text(int column) throws SQLException {
            return dialect.readText(rs, column);
        }

        @Override
        public Integer integer(int column) throws SQLException {
            return JdbcValues.getInteger(rs, column);
        }

        @Override
        public Double real(int column) throws SQLException {
            return JdbcValues.getDouble(rs, column);
        }

        @Override
        public double realValue(int column) throws SQLException {
            return rs.getDouble(column);
        }

        @Override
        public BigDecimal price(int column) throws SQLException {
            return dialect.readPrice(rs, column);
        }

        @Override
        public Instant instant(int column) throws SQLException {
            return dialect.readInstant(rs, column);
        }

        @Override
        public Boolean bool(int column) throws SQLException {
            return dialect.readBoolean(rs, column);
        }

        @Override
        public Map<String, Object> heuristics(int column) throws SQLException {
            return dialect.readHeuristics(rs, column);
        }
    }
}
