package io.glyphd.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

/** Validation shared by the API records; every message names the field and the bad value. */
final class Checks {
    /** Earliest instant a store accepts: 0001-01-01T00:00:00Z. */
    static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    /** Latest instant a store accepts: 9999-12-31T23:59:59.999999Z. */
    static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

    /** Most characters of a number a message shows. */
    static final int MAX_SHOWN_DIGITS = 40;
    /**
     * Most significant digits a price or price bound may be written with (trailing zeros included). A longer
     * unscaled value is refused from its bit length alone: its precision, its digits and stripping its zeros would
     * each cost more than linear time.
     */
    static final int MAX_PRICE_DIGITS = 60;
    /** Bits of an unscaled value of {@value #MAX_PRICE_DIGITS} digits at most: 10^60 < 2^200. */
    private static final int MAX_PRICE_BITS = 200;
    /** Bits of the largest unscaled value a message spells out (about 1,200 digits, quick to print). */
    private static final int MAX_SHOWN_BITS = 4096;
    private static final BigInteger MAX_UNSCALED = BigInteger.TEN.pow(MAX_PRICE_DIGITS).subtract(BigInteger.ONE);

    private Checks() {
    }

    /** Returns {@code value}, or throws if it is longer than {@code max} or holds a lone UTF-16 surrogate. */
    static String text(String field, String value, int max, String owner) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters" + of(owner)
                    + ", was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (pair) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field + " holds a lone UTF-16 surrogate at index " + i + of(owner)
                        + "; it cannot be stored as UTF-8");
            }
        }
        return value;
    }

    /** Returns {@code value} checked as by {@link #text}, or throws if it holds a NUL, which SQL compares as an end. */
    static String matchable(String field, String value, int max, String owner) {
        text(field, value, max, owner);
        int nul = value == null ? -1 : value.indexOf('\0');
        if (nul >= 0) {
            throw new IllegalArgumentException(field + " must not contain NUL (U+0000)" + of(owner)
                    + ", found at index " + nul);
        }
        return value;
    }

    /**
     * Returns {@code value}, or throws if it is not 1 to {@code max} printable ASCII characters without spaces, e.g.
     * {@code sha256:} and 64 hexadecimal digits.
     */
    static String fingerprint(String value, int max, String owner) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException("fingerprint must be 1 to " + max + " characters" + of(owner)
                    + ", was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("fingerprint must be printable ASCII without spaces" + of(owner)
                        + "; found U+" + String.format("%04X", (int) c) + " at index " + i);
            }
        }
        return value;
    }

    /** Returns true if the two texts are equal once ASCII letters are folded, as SQLite's NOCASE compares. */
    static boolean equalsIgnoringAsciiCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    static Integer atLeast(String field, Integer value, int min, String owner) {
        if (value != null && value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + of(owner) + ", was " + value);
        }
        return value;
    }

    static Integer between(String field, Integer value, int min, int max, String owner) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + of(owner)
                    + ", was " + value);
        }
        return value;
    }

    /** Returns a finite value with -0.0 folded into 0.0 (SQL stores them alike), or throws. */
    static double finite(String field, double value, String owner) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number" + of(owner) + ", was " + value);
        }
        return value == 0.0 ? 0.0 : value;
    }

    static Double finite(String field, Double value, String owner) {
        return value == null ? null : finite(field, value.doubleValue(), owner);
    }

    /** Returns the price without trailing zeros (595.990 becomes 595.99), or throws if it cannot be stored exactly. */
    static BigDecimal price(String field, BigDecimal value, String owner) {
        if (value == null) {
            throw new NullPointerException(field + " is required" + of(owner));
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException(field + " must be >= 0" + of(owner) + ", was " + show(value));
        }
        digits(field, value, owner);
        if (value.compareTo(Listing.MAX_PRICE) > 0) {
            throw new IllegalArgumentException(field + " must be at most " + Listing.MAX_PRICE.toPlainString()
                    + of(owner) + ", was " + show(value));
        }
        BigDecimal normal = value.stripTrailingZeros();
        if (normal.scale() > Listing.MAX_PRICE_SCALE) {
            throw new IllegalArgumentException(field + " must have at most " + Listing.MAX_PRICE_SCALE
                    + " decimal places" + of(owner) + ", was " + show(value));
        }
        return normal.scale() < 0 ? normal.setScale(0) : normal;
    }

    /**
     * Returns a price bound of a query, or throws if it is negative, above {@code max} or has more than
     * {@code maxScale} decimal places (not counting trailing zeros). Every check costs time growing with the digits
     * of the value at most, whatever its exponent.
     */
    static BigDecimal priceBound(String field, BigDecimal value, BigDecimal max, int maxScale) {
        if (value == null) {
            return null;
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + show(value));
        }
        digits(field, value, null);
        // Digits before the point, from precision and scale alone: no arithmetic on 1E+999999999.
        long integerDigits = (long) value.precision() - value.scale();
        if (integerDigits > max.precision() - max.scale() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be at most " + max.toPlainString() + ", was "
                    + show(value));
        }
        if (value.scale() > maxScale && (value.precision() > MAX_SHOWN_DIGITS
                || value.stripTrailingZeros().scale() > maxScale)) {
            throw new IllegalArgumentException(field + " must have at most " + maxScale + " decimal places, was "
                    + show(value));
        }
        return value;
    }

    /** Throws if the value is written with more than {@value #MAX_PRICE_DIGITS} digits; costs constant time. */
    private static void digits(String field, BigDecimal value, String owner) {
        BigInteger unscaled = value.unscaledValue();
        if (unscaled.bitLength() > MAX_PRICE_BITS || unscaled.abs().compareTo(MAX_UNSCALED) > 0) {
            throw new IllegalArgumentException(field + " must have at most " + MAX_PRICE_DIGITS + " digits"
                    + of(owner) + ", was " + show(value));
        }
    }

    /**
     * Returns a decimal for a message: plain digits if short, else scientific notation, cut to
     * {@value #MAX_SHOWN_DIGITS} characters with an ellipsis and the full length. A value of more than
     * {@value #MAX_SHOWN_BITS} bits is described by its size alone, which costs constant time.
     */
    static String show(BigDecimal value) {
        int bits = value.unscaledValue().bitLength();
        if (bits > MAX_SHOWN_BITS) {
            // log10(2) = 0.30103: the digits to within one, without computing them
            return "a number of about " + (long) (bits * 0.30103) + " digits with scale " + value.scale();
        }
        boolean plain = value.precision() <= MAX_SHOWN_DIGITS && Math.abs((long) value.scale()) <= MAX_SHOWN_DIGITS;
        return excerpt(plain ? value.toPlainString() : value.toString());
    }

    /** Returns {@code text} cut to {@value #MAX_SHOWN_DIGITS} characters, with an ellipsis and its length if cut. */
    static String excerpt(String text) {
        return text.length() <= MAX_SHOWN_DIGITS ? text
                : text.substring(0, MAX_SHOWN_DIGITS) + "… (" + text.length() + " characters)";
    }

    /** Returns the instant truncated to microseconds (what every backend keeps), or throws if out of range. */
    static Instant instant(String field, Instant value, String owner) {
        if (value == null) {
            return null;
        }
        if (value.isBefore(MIN_INSTANT) || value.isAfter(MAX_INSTANT)) {
            throw new IllegalArgumentException(field + " must be between " + MIN_INSTANT + " and " + MAX_INSTANT
                    + of(owner) + ", was " + value);
        }
        return value.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** Returns the trimmed import id, or throws if it breaks the import id rule documented on {@link ImportRequest}. */
    static String importId(String value) {
        if (value == null) {
            throw new NullPointerException("importId is required");
        }
        String id = value.strip();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("importId must not be blank");
        }
        if (id.length() > ImportRequest.MAX_IMPORT_ID_LENGTH) {
            throw new IllegalArgumentException("importId must be at most " + ImportRequest.MAX_IMPORT_ID_LENGTH
                    + " characters, was " + id.length());
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new IllegalArgumentException("importId must not contain control characters, found U+"
                        + String.format("%04X", (int) id.charAt(i)) + " at index " + i);
            }
        }
        return text("importId", id, ImportRequest.MAX_IMPORT_ID_LENGTH, null);
    }

    private static String of(String owner) {
        return owner == null ? "" : " for " + owner;
    }
}
