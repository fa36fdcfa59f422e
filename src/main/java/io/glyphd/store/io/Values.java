package io.glyphd.store.io;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses the text of one cell. Each method throws {@link IllegalArgumentException} whose message is the reason
 * shown to the user, quoting at most {@value #MAX_QUOTED} characters of the value.
 *
 * <p>Numbers are bounded before they are parsed: their text (trimmed) is at most {@value #MAX_NUMBER_LENGTH}
 * characters and an exponent has at most 4 digits, so no parse takes more than linear time on a short text.
 */
final class Values {
    static final int MAX_QUOTED = 40;
    /** Longest text, once trimmed, that a number cell may have. */
    static final int MAX_NUMBER_LENGTH = 40;
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,4})?");
    /** The characters a number is written with; a longer text of only these is a number too long, not text. */
    private static final Pattern NUMBER_CHARACTERS = Pattern.compile("[0-9+\\-.eE]+");

    private Values() {
    }

    /** Returns true for the text pandas and Python write for a missing number: {@code nan}, {@code NaN}. */
    static boolean isNan(String text) {
        return text.strip().equalsIgnoreCase("nan");
    }

    static BigDecimal decimal(String text) {
        return new BigDecimal(numberText(text));
    }

    /** Returns true if the text is a number as {@link #decimal} reads it (and not too long to parse). */
    static boolean isNumber(String text) {
        String value = text.strip();
        return value.length() <= MAX_NUMBER_LENGTH && DECIMAL.matcher(value).matches();
    }

    /** Returns the trimmed text of a number, or throws if it is not one or is too long to be one we keep. */
    private static String numberText(String text) {
        String value = text.strip();
        if (value.length() > MAX_NUMBER_LENGTH) {
            if (NUMBER_CHARACTERS.matcher(value).matches()) {
                throw new NumberTooLongException("number too long: " + quote(value) + " has " + value.length()
                        + " characters; at most " + MAX_NUMBER_LENGTH);
            }
            throw new IllegalArgumentException("not a number: " + quote(text));
        }
        if (!DECIMAL.matcher(value).matches()) {
            throw new IllegalArgumentException("not a number: " + quote(text));
        }
        return value;
    }

    static double finiteDouble(String text) {
        String value = numberText(text);
        double result = Double.parseDouble(value);
        if (!Double.isFinite(result)) {
            throw new IllegalArgumentException("number out of range: " + quote(text));
        }
        return result;
    }

    /** Parses a whole number, accepting a float with a zero fraction such as {@code 12.0}. */
    static int integer(String text) {
        return integer(decimal(text), text);
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

    /** Parses {@code true}/{@code false} in any case, {@code 1}/{@code 0} and {@code 1.0}/{@code 0.0}. */
    static boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "1.0" -> true;
            case "false", "0", "0.0" -> false;
            default -> throw new IllegalArgumentException("not a boolean (true, false, 1 or 0): " + quote(text));
        };
    }

    /**
     * Parses an ISO-8601 instant: {@code 2025-07-29T12:00:00Z}, with an offset ({@code +02:00}), with a space
     * instead of {@code T}, without a zone (taken as UTC), or a date alone (midnight UTC).
     */
    static Instant instant(String text) {
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
