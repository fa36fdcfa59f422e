package io.glyphd.store.io;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Parses the text of one cell. Each method throws {@link IllegalArgumentException} whose message is the reason
 * shown to the user, quoting at most {@value #MAX_QUOTED} characters of the value.
 *
 * <p>Numbers are bounded before they are parsed: their text (trimmed) is at most {@value #MAX_NUMBER_LENGTH}
 * characters and an exponent has at most 4 digits, so no parse takes more than linear time on a short text.
 *
 * <p>The common shapes (plain decimals, whole numbers, {@code ...Z} instants) are parsed directly, without a regular
 * expression or a round trip through {@link BigDecimal}; anything else goes the general way, whose rules and messages
 * are the ones that apply. {@code ValuesTest} checks that both ways agree.
 */
final class Values {
    static final int MAX_QUOTED = 40;
    /** Longest text, once trimmed, that a number cell may have. */
    static final int MAX_NUMBER_LENGTH = 40;
    /** Most digits a {@code long} holds whatever they are. */
    private static final int LONG_DIGITS = 18;
    /** Most digits whose value a double holds exactly (below 2^53). */
    private static final int EXACT_DOUBLE_DIGITS = 15;
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    };

    private Values() {
    }

    /** Returns true for the text pandas and Python write for a missing number: {@code nan}, {@code NaN}. */
    static boolean isNan(String text) {
        String value = text.strip();
        return value.length() == 3 && value.equalsIgnoreCase("nan");
    }

    static BigDecimal decimal(String text) {
        String value = numberText(text);
        BigDecimal plain = plainDecimal(value);
        return plain != null ? plain : new BigDecimal(value);
    }

    /** Returns true if the text is a number as {@link #decimal} reads it (and not too long to parse). */
    static boolean isNumber(String text) {
        String value = text.strip();
        return value.length() <= MAX_NUMBER_LENGTH && isDecimal(value);
    }

    /** Throws what {@link #decimal} throws for a text written as a number but too long to be one; else nothing. */
    static void checkNotTooLong(String text) {
        String value = text.strip();
        if (value.length() > MAX_NUMBER_LENGTH && isNumberCharacters(value)) {
            throw new NumberTooLongException("number too long: " + quote(value) + " has " + value.length()
                    + " characters; at most " + MAX_NUMBER_LENGTH);
        }
    }

    /** Returns the trimmed text of a number, or throws if it is not one or is too long to be one we keep. */
    private static String numberText(String text) {
        String value = text.strip();
        if (value.length() > MAX_NUMBER_LENGTH) {
            checkNotTooLong(value);
            throw new IllegalArgumentException("not a number: " + quote(text));
        }
        if (!isDecimal(value)) {
            throw new IllegalArgumentException("not a number: " + quote(text));
        }
        return value;
    }

    /** Returns true if the text matches {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?}, ASCII digits. */
    private static boolean isDecimal(String value) {
        int n = value.length();
        int i = 0;
        if (i < n && (value.charAt(i) == '+' || value.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(value.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && value.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(value.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (value.charAt(i) == 'e' || value.charAt(i) == 'E')) {
            i++;
            if (i < n && (value.charAt(i) == '+' || value.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(value.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent < 1 || exponent > 4) {
                return false;
            }
        }
        return i == n;
    }

    /** Returns true if the text is only characters a number is written with: {@code [0-9+\-.eE]+}. */
    private static boolean isNumberCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isDigit(c) && c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E') {
                return false;
            }
        }
        return !value.isEmpty();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Returns a number (already checked by {@link #isDecimal}) without an exponent and of at most
     * {@value #LONG_DIGITS} digits as {@code new BigDecimal(value)} would, same scale included; null for another.
     */
    private static BigDecimal plainDecimal(String value) {
        Plain plain = Plain.of(value, LONG_DIGITS);
        return plain == null ? null
                : BigDecimal.valueOf(plain.negative() ? -plain.unscaled() : plain.unscaled(), plain.scale());
    }

    static double finiteDouble(String text) {
        String value = numberText(text);
        double plain = plainDouble(value);
        if (!Double.isNaN(plain)) {
            return plain;
        }
        double result = Double.parseDouble(value);
        if (!Double.isFinite(result)) {
            throw new IllegalArgumentException("number out of range: " + quote(text));
        }
        return result;
    }

    /**
     * Returns a number (already checked) without an exponent and of at most {@value #EXACT_DOUBLE_DIGITS} digits as
     * {@link Double#parseDouble} would: its digits and the power of ten are both exact doubles, and one division
     * rounds correctly. NaN for another number.
     */
    private static double plainDouble(String value) {
        Plain plain = Plain.of(value, EXACT_DOUBLE_DIGITS);
        if (plain == null) {
            return Double.NaN;
        }
        double result = (double) plain.unscaled() / POWERS_OF_TEN[plain.scale()];
        return plain.negative() ? -result : result;
    }

    /**
     * A number without an exponent, as its sign, its digits as a whole number and the count of those after the point.
     *
     * @param negative whether it starts with {@code -} (kept apart from the digits, so that {@code -0} keeps its sign)
     */
    private record Plain(boolean negative, long unscaled, int scale) {
        /** Reads a number (already checked by {@link #isDecimal}) of at most {@code maxDigits} digits; else null. */
        static Plain of(String value, int maxDigits) {
            int n = value.length();
            int i = 0;
            boolean negative = false;
            char first = value.charAt(0);
            if (first == '+' || first == '-') {
                negative = first == '-';
                i++;
            }
            long unscaled = 0;
            int digits = 0;
            int scale = -1;
            for (; i < n; i++) {
                char c = value.charAt(i);
                if (c == '.') {
                    scale = 0;
                } else if (isDigit(c) && digits < maxDigits) {
                    unscaled = unscaled * 10 + (c - '0');
                    digits++;
                    if (scale >= 0) {
                        scale++;
                    }
                } else {
                    return null;
                }
            }
            return new Plain(negative, unscaled, Math.max(scale, 0));
        }
    }

    /** Parses a whole number, accepting a float with a zero fraction such as {@code 12.0}. */
    static int integer(String text) {
        String value = numberText(text);
        long plain = plainWhole(value);
        if (plain != Long.MIN_VALUE) {
            return (int) plain;
        }
        return integer(new BigDecimal(value), text);
    }

    /** Returns {@code value}, parsed from {@code text}, as an int, or throws if it is not a whole int. */
    static int integer(BigDecimal value, String text) {
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("not a whole number: " + quote(text));
        }
        try {
            return value.intValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("whole number out of range: " + quote(text), e);
        }
    }

    /**
     * Returns a number (already checked) that is an int without an exponent, with zeros only after any point;
     * {@link Long#MIN_VALUE} for another, which the general way reads or refuses.
     */
    private static long plainWhole(String value) {
        int n = value.length();
        int i = 0;
        boolean negative = false;
        char first = value.charAt(0);
        if (first == '+' || first == '-') {
            negative = first == '-';
            i++;
        }
        long whole = 0;
        int digits = 0;
        for (; i < n && value.charAt(i) != '.'; i++) {
            char c = value.charAt(i);
            if (!isDigit(c) || ++digits > LONG_DIGITS) {
                return Long.MIN_VALUE;
            }
            whole = whole * 10 + (c - '0');
        }
        for (i++; i < n; i++) {
            if (value.charAt(i) != '0') {
                return Long.MIN_VALUE;
            }
        }
        whole = negative ? -whole : whole;
        return whole >= Integer.MIN_VALUE && whole <= Integer.MAX_VALUE ? whole : Long.MIN_VALUE;
    }

    /** Parses {@code true}/{@code false} in any case, {@code 1}/{@code 0} and {@code 1.0}/{@code 0.0}. */
    static boolean bool(String text) {
        String value = text.strip();
        if (asciiIgnoringCase(value, "true") || value.equals("1") || value.equals("1.0")) {
            return true;
        }
        if (asciiIgnoringCase(value, "false") || value.equals("0") || value.equals("0.0")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean (true, false, 1 or 0): " + quote(text));
    }

    /**
     * Returns true if {@code value} lower-cased in {@link java.util.Locale#ROOT} is {@code lower}, a word of ASCII
     * letters none of which another character lower-cases to.
     */
    private static boolean asciiIgnoringCase(String value, String lower) {
        if (value.length() != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if ((value.charAt(i) | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses an ISO-8601 instant: {@code 2025-07-29T12:00:00Z}, with an offset ({@code +02:00}), with a space
     * instead of {@code T}, without a zone (taken as UTC), or a date alone (midnight UTC).
     */
    static Instant instant(String text) {
        Instant plain = plainInstant(text.strip());
        return plain != null ? plain : parsedInstant(text);
    }

    /** The general way of {@link #instant}, through {@code java.time}'s parsers. */
    static Instant parsedInstant(String text) {
        String value = text.strip().replace(' ', 'T');
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (value.endsWith("Z") || value.endsWith("z")) {
                return Instant.parse(value.substring(0, value.length() - 1) + "Z");
            }
            if (hasOffset(value)) {
                return OffsetDateTime.parse(value).toInstant();
            }
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 timestamp: " + quote(text), e);
        }
    }

    /**
     * Reads the common shapes {@code yyyy-MM-dd} and {@code yyyy-MM-dd(T| )HH:mm:ss[.f{1,9}][Z|z]} of a valid date
     * and time (no leap second, no 24:00) directly; null for any other text, which {@link #parsedInstant} reads.
     */
    private static Instant plainInstant(String value) {
        int n = value.length();
        if (n != 10 && n < 19 || !digits(value, 0, 4) || value.charAt(4) != '-' || !digits(value, 5, 7)
                || value.charAt(7) != '-' || !digits(value, 8, 10)) {
            return null;
        }
        int year = number(value, 0, 4);
        int month = number(value, 5, 7);
        int day = number(value, 8, 10);
        if (month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400;
        if (n == 10) {
            return Instant.ofEpochSecond(seconds);
        }
        char separator = value.charAt(10);
        if (separator != 'T' && separator != ' ' || !digits(value, 11, 13) || value.charAt(13) != ':'
                || !digits(value, 14, 16) || value.charAt(16) != ':' || !digits(value, 17, 19)) {
            return null;
        }
        int hour = number(value, 11, 13);
        int minute = number(value, 14, 16);
        int second = number(value, 17, 19);
        if (hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && value.charAt(i) == '.') {
            int start = ++i;
            while (i < n && isDigit(value.charAt(i)) && i - start < 9) {
                nanos = nanos * 10 + (value.charAt(i++) - '0');
            }
            if (i == start) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        if (i < n && (value.charAt(i) == 'Z' || value.charAt(i) == 'z')) {
            i++;
        }
        if (i != n) {
            return null;
        }
        return Instant.ofEpochSecond(seconds + hour * 3600L + minute * 60L + second, nanos);
    }

    private static boolean digits(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int number(String value, int from, int to) {
        int result = 0;
        for (int i = from; i < to; i++) {
            result = result * 10 + (value.charAt(i) - '0');
        }
        return result;
    }

    private static boolean hasOffset(String value) {
        int time = value.indexOf('T');
        return time > 0 && (value.indexOf('+', time) > 0 || value.indexOf('-', time) > 0);
    }

    /** A text written as a number but too long to be read as one; never read as text instead. */
    static final class NumberTooLongException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NumberTooLongException(String message) {
            super(message);
        }
    }

    /** Returns the value in single quotes, cut to {@value #MAX_QUOTED} characters, for an error message. */
    static String quote(String text) {
        String value = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
        return "'" + value.replace("\n", "\\n").replace("\r", "\\r") + "'";
    }
}
