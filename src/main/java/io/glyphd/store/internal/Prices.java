package io.glyphd.store.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Conversions between USD prices and exact micro-dollars, normalised as {@code Listing} normalises prices. */
public final class Prices {
    /** Decimal places of a micro-dollar. */
    public static final int MICROS_SCALE = 6;

    private Prices() {
    }

    /** Returns the price in micro-dollars; exact, since a listing's price has at most 6 decimal places. */
    public static long toMicros(BigDecimal price) {
        return price.movePointRight(MICROS_SCALE).longValueExact();
    }

    /** Inverse of {@link #toMicros}; the result has no trailing zeros. */
    public static BigDecimal fromMicros(long micros) {
        return fromMicros(BigDecimal.valueOf(micros));
    }

    /** Returns micro-dollars (possibly fractional, e.g. a median) as USD without trailing zeros. */
    public static BigDecimal fromMicros(BigDecimal micros) {
        return normalize(micros.movePointLeft(MICROS_SCALE));
    }

    /** Returns {@code price} without trailing zeros and with a scale of at least 0 (10000, not 1E+4). */
    public static BigDecimal normalize(BigDecimal price) {
        BigDecimal stripped = price.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Returns {@code total / count} rounded half-even to the micro-dollar, normalised. */
    public static BigDecimal average(BigDecimal total, long count) {
        return normalize(total.divide(BigDecimal.valueOf(count), MICROS_SCALE, RoundingMode.HALF_EVEN));
    }
}
