package io.glyphd.store.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Null-aware JDBC binding and reading for the boxed types the records use. */
public final class JdbcValues {
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private JdbcValues() {
    }

    /** Binds an {@code Integer}, or SQL NULL. */
    public static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    /** Binds a {@code Long}, or SQL NULL. */
    public static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    /** Binds a {@code Double}, or SQL NULL. */
    public static void setDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    /** Binds a {@code Boolean} as 1 or 0, or SQL NULL. */
    public static void setBoolean01(PreparedStatement statement, int index, Boolean value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value ? 1 : 0);
        }
    }

    /** Binds a {@code String}, or SQL NULL. */
    public static void setString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    // A driver returns 0 for SQL NULL, so only a 0 needs the wasNull() check: in sqlite-jdbc that check is a second
    // native call per column, a sizeable part of mapping a wide row.

    /** Reads an {@code Integer}, or null. */
    public static Integer getInteger(ResultSet rs, int index) throws SQLException {
        int value = rs.getInt(index);
        return value == 0 && rs.wasNull() ? null : value;
    }

    /** Reads a {@code Long}, or null. */
    public static Long getLong(ResultSet rs, int index) throws SQLException {
        long value = rs.getLong(index);
        return value == 0 && rs.wasNull() ? null : value;
    }

    /** Reads a {@code Double}, or null. */
    public static Double getDouble(ResultSet rs, int index) throws SQLException {
        double value = rs.getDouble(index);
        return value == 0 && rs.wasNull() ? null : value;
    }

    /** Reads a 0/1 {@code Boolean}, or null. */
    public static Boolean getBoolean01(ResultSet rs, int index) throws SQLException {
        int value = rs.getInt(index);
        return value == 0 && rs.wasNull() ? null : value != 0;
    }

    /** Returns microseconds since the epoch. */
    public static long toEpochMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
                instant.getNano() / 1_000L);
    }

    /** Returns the instant {@code micros} microseconds after the epoch. */
    public static Instant fromEpochMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND),
                Math.floorMod(micros, MICROS_PER_SECOND) * 1_000L);
    }

    /** Returns {@code instant} as epoch microseconds, or null. */
    public static Long toEpochMicrosOrNull(Instant instant) {
        return instant == null ? null : toEpochMicros(instant);
    }

    /** Reads epoch microseconds as an instant, or null. */
    public static Instant getInstantMicros(ResultSet rs, int index) throws SQLException {
        Long micros = getLong(rs, index);
        return micros == null ? null : fromEpochMicros(micros);
    }
}
