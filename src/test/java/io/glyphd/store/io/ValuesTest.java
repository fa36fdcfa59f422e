package io.glyphd.store.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link Values} parses common shapes directly; these tests hold it to the general way it replaced (regular
 * expressions, {@link BigDecimal}, {@code java.time} parsers), kept here as the reference: the same value, or the
 * same exception class and message, for edge cases and many random texts.
 */
class ValuesTest {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,4})?");
    private static final Pattern NUMBER_CHARACTERS = Pattern.compile("[0-9+\\-.eE]+");

    private static final List<String> EDGES = List.of("", " ", "0", "-0", "+0", "00", "1", "-1", "+1", "12", "12.0",
            "12.00", "12.5", "12.50", "-12.0", "5.", ".5", ".", "-.", "+.5", "-.0", "1e3", "1E3", "1e+3", "1e-3", "1e",
            "1e12345", "1e1234", "e3", "1.5e2", "1.0e0", " 7 ", "\t7\n", "2147483647", "2147483648", "-2147483648",
            "-2147483649", "2147483647.000", "999999999999999999", "9999999999999999999", "123456789012345678901234",
            "0.1", "0.2", "0.30000000000000004", "545.99", "59092.99", "0.2863", "-0.0", "-0.00", "123456789012345",
            "1234567890123456", "0.000000000000001", "1.7976931348623157e308", "1e400", "4.9e-324", "abc", "nan",
            "NaN", " NAN ", "na", "true", "TRUE", "True", "false", "FaLsE", "1.0", "0.0", "yes", "tru", "truee",
            "fal" + (char) 0x17F + "e", String.valueOf((char) 0x130), String.valueOf((char) 0xFF11),
            String.valueOf((char) 0x661), "TRUE" + (char) 0x130, "12a", "1-2", "--1", "+-1", "1..2", "1.2.3",
            "1" + "0".repeat(39), "1" + "0".repeat(40), "1".repeat(41) + "x", "-" + "9".repeat(45),
            "2025-07-29", "2025-07-29T12:00:00Z", "2025-07-29T12:00:00z", "2025-07-29 12:00:00Z", "2025-07-29T12:00:00",
            "2025-07-29T12:00:00.1Z", "2025-07-29T12:00:00.123456789Z", "2025-07-29T12:00:00.1234567891Z",
            "2025-07-29T12:00:00.Z", "2025-07-29T12:00Z", "2025-07-29T12:00", "2025-07-29T24:00:00Z",
            "2025-07-29T23:59:60Z", "2025-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "2024-02-29", "2025-02-29",
            "2025-13-01", "2025-00-01", "2025-01-00", "2025-04-31", "0000-01-01", "9999-12-31T23:59:59.999999999Z",
            "+2025-07-29T12:00:00Z", "2025-07-29T12:00:00+02:00", "2025-07-29T12:00:00-05:30", "2025-07-29t12:00:00Z",
            "2025-07-29T12:00:00ZZ", " 2025-06-19T17:45:28.066478Z ", "2025-06-19T17:45:28.066478", "2025-7-29",
            "20250729", "2025-07-29T1:00:00Z", "2025-07-29T12:00:00 Z", "2025-07-29T12:00:00.5+01:00");

    @Test
    void edgeCasesAgreeWithTheGeneralWay() {
        for (String text : EDGES) {
            agree(text);
        }
    }

    @Test
    void randomTextsAgreeWithTheGeneralWay() {
        SplittableRandom random = new SplittableRandom(12);
        String alphabet = "0123456789+-.eE ";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(1, i % 10 == 0 ? 45 : 12);
            for (int k = 0; k < length; k++) {
                text.append(alphabet.charAt(random.nextInt(k == 0 || random.nextInt(4) > 0 ? 10 : alphabet.length())));
                if (random.nextInt(6) == 0) {
                    text.append('.');
                }
            }
            agree(text.toString());
        }
    }

    @Test
    void randomTimestampsAgreeWithTheGeneralWay() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 30_000; i++) {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02d", random.nextInt(10_000),
                    random.nextInt(14), random.nextInt(33)));
            if (random.nextInt(8) > 0) {
                text.append("T T".charAt(random.nextInt(3))).append(String.format(Locale.ROOT, "%02d:%02d:%02d",
                        random.nextInt(26), random.nextInt(62), random.nextInt(62)));
                if (random.nextBoolean()) {
                    String fraction = Long.toString(random.nextLong(1L << 40, 1L << 42));
                    text.append('.').append(fraction, 0, random.nextInt(Math.min(12, fraction.length())));
                }
                text.append(List.of("Z", "z", "", "+01:00", "X").get(random.nextInt(5)));
            }
            String value = text.toString();
            assertSame(value, Values::instant, ValuesTest::referenceInstant);
            if (random.nextInt(50) == 0) {
                agree(value.substring(0, random.nextInt(value.length())));
            }
        }
    }

    private static void agree(String text) {
        assertSame(text, Values::decimal, t -> new BigDecimal(referenceNumberText(t)));
        assertSame(text, Values::isNumber, ValuesTest::referenceIsNumber);
        assertSame(text, Values::finiteDouble, ValuesTest::referenceDouble);
        assertSame(text, Values::integer, t -> Values.integer(new BigDecimal(referenceNumberText(t)), t));
        assertSame(text, Values::bool, ValuesTest::referenceBool);
        assertSame(text, Values::isNan, t -> t.strip().equalsIgnoreCase("nan"));
        assertSame(text, Values::instant, ValuesTest::referenceInstant);
    }

    /** Both give equal values (BigDecimal's scale and double's sign of zero included) or throw alike. */
    private static void assertSame(String text, Function<String, Object> actual, Function<String, Object> expected) {
        assertEquals(outcome(expected, text), outcome(actual, text), () -> "for '" + text + "'");
    }

    private static List<Object> outcome(Function<String, Object> parse, String text) {
        List<Object> outcome = new ArrayList<>();
        try {
            Object value = parse.apply(text);
            outcome.add(value instanceof Double d ? Double.doubleToRawLongBits(d) : value);
            outcome.add(Objects.toString(value));
        } catch (IllegalArgumentException e) {
            outcome.add(e.getClass());
            outcome.add(e.getMessage());
        }
        return outcome;
    }

    private static boolean referenceIsNumber(String text) {
        String value = text.strip();
        return value.length() <= Values.MAX_NUMBER_LENGTH && DECIMAL.matcher(value).matches();
    }

    private static String referenceNumberText(String text) {
        String value = text.strip();
        if (value.length() > Values.MAX_NUMBER_LENGTH) {
            if (NUMBER_CHARACTERS.matcher(value).matches()) {
                throw new Values.NumberTooLongException("number too long: " + Values.quote(value) + " has "
                        + value.length() + " characters; at most " + Values.MAX_NUMBER_LENGTH);
            }
            throw new IllegalArgumentException("not a number: " + Values.quote(text));
        }
        if (!DECIMAL.matcher(value).matches()) {
            throw new IllegalArgumentException("not a number: " + Values.quote(text));
        }
        return value;
    }

    private static double referenceDouble(String text) {
        double result = Double.parseDouble(referenceNumberText(text));
        if (!Double.isFinite(result)) {
            throw new IllegalArgumentException("number out of range: " + Values.quote(text));
        }
        return result;
    }

    private static boolean referenceBool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "1.0" -> true;
            case "false", "0", "0.0" -> false;
            default -> throw new IllegalArgumentException("not a boolean (true, false, 1 or 0): "
                    + Values.quote(text));
        };
    }

    private static Instant referenceInstant(String text) {
        String value = text.strip().replace(' ', 'T');
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (value.endsWith("Z") || value.endsWith("z")) {
                return Instant.parse(value.substring(0, value.length() - 1) + "Z");
            }
            int time = value.indexOf('T');
            if (time > 0 && (value.indexOf('+', time) > 0 || value.indexOf('-', time) > 0)) {
                return OffsetDateTime.parse(value).toInstant();
            }
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 timestamp: " + Values.quote(text), e);
        }
    }
}
