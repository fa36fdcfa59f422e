package io.glyphd.store;

import java.math.BigDecimal;
import java.time.Instant;

/** Validation shared by the API records; every message names the field and the bad value. */
final class Checks {
    /** Earliest instant a store accepts: 0001-01-01T00:00:00Z. */
    static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    /** Latest instant a store accepts: 9999-12-31T23:59:59.999999Z. */
    static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

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
            throw new IllegalArgumentException(field + " must be >= 0" + of(owner) + ", was " + value.toPlainString());
        }
        if (value.compareTo(Listing.MAX_PRICE) > 0) {
            throw new IllegalArgumentException(field + " must be at most " + Listing.MAX_PRICE.toPlainString()
                    + of(owner) + ", was " + value.toPlainString());
        }
        BigDecimal normal = value.stripTrailingZeros();
        if (normal.scale() > Listing.MAX_PRICE_SCALE) {
            throw new IllegalArgumentException(field + " must have at most " + Listing.MAX_PRICE_SCALE
                    + " decimal places" + of(owner) + ", was " + value.toPlainString());
        }
        return normal.scale() < 0 ? normal.setScale(0) : normal;
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
