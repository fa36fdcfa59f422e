package io.glyphd.store.sqlite;

import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.SqlDialect;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/** SQLite's conversions: prices as INTEGER micro-dollars, instants as INTEGER epoch microseconds. */
final class SqliteDialect implements SqlDialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();
    static final int MICROS_SCALE = 6;

    private SqliteDialect() {
    }

    static long toMicros(BigDecimal price) {
        return price.movePointRight(MICROS_SCALE).longValueExact();
    }

    /** Inverse of {@link #toMicros}; the result has no trailing zeros, as {@code Listing} normalises prices. */
    static BigDecimal fromMicros(long micros) {
        return fromMicros(BigDecimal.valueOf(micros));
    }

    /** Returns micro-dollars (possibly fractional, e.g. a median) as USD without trailing zeros. */
    static BigDecimal fromMicros(BigDecimal micros) {
        BigDecimal price = micros.movePointLeft(MICROS_SCALE).stripTrailingZeros();
        return price.scale() < 0 ? price.setScale(0) : price;
    }

    @Override
    public String priceColumn() {
        return "price_micros";
    }

    @Override
    public Object priceLowerBound(BigDecimal price) {
        return saturate(price.movePointRight(MICROS_SCALE).setScale(0, RoundingMode.CEILING));
    }

    @Override
    public Object priceUpperBound(BigDecimal price) {
        return saturate(price.movePointRight(MICROS_SCALE).setScale(0, RoundingMode.FLOOR));
    }

    private static long saturate(BigDecimal micros) {
        return micros.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : micros.longValueExact();
    }

    @Override
    public Object instantValue(Instant instant) {
        // Bounds may lie outside the range a Listing accepts; clamp rather than overflow.
        if (instant.getEpochSecond() > Long.MAX_VALUE / 1_000_000L - 1) {
            return Long.MAX_VALUE;
        }
        if (instant.getEpochSecond() < Long.MIN_VALUE / 1_000_000L + 1) {
            return Long.MIN_VALUE;
        }
        return JdbcValues.toEpochMicros(instant);
    }

    @Override
    public String equalsIgnoringCase(String column) {
        // model, region and condition are declared COLLATE NOCASE, so plain = ignores ASCII case and uses the index.
        return column + " = ?";
    }

    @Override
    public String descendingNullsLast(String expression) {
        return expression + " DESC";
    }

    @Override
    public String median(String expression) {
        // Built into the SQLite 3.54 that sqlite-jdbc 3.54.1.0 bundles. It works on doubles, so it is exact while the
        // two middle values are below 2^52: (a + (b - a) * 0.5) then only involves exactly representable numbers.
        return "median(" + expression + ")";
    }
}
