package io.glyphd.store.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts a duration flag: a whole number and a unit, {@code ms}, {@code s}, {@code m} (or {@code min}) or
 * {@code h}, such as {@code 500ms}, {@code 30s}, {@code 10m} or {@code 1h}; {@code 0} alone means no wait. Between
 * 0 and 24 hours; the digits are bounded before they are parsed.
 */
final class DurationConverter implements ITypeConverter<Duration> {
    static final Duration MAX = Duration.ofHours(24);
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|min|h)?");

    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = FORM.matcher(text);
        if (!matcher.matches() || matcher.group(2) == null && !matcher.group(1).matches("0+")) {
            throw new TypeConversionException("'" + excerpt(value) + "' is not a duration; expected a whole number"
                    + " and a unit (ms, s, m or h), such as 30s, 10m or 1h, between 0 and 24h");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration duration = switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m", "min" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (duration.compareTo(MAX) > 0) {
            throw new TypeConversionException("'" + excerpt(value) + "' is longer than the limit of 24h");
        }
        return duration;
    }

    /** Returns the duration as a person writes it: in its largest whole unit, e.g. "10 min", "1500 ms". */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0 s";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + " h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static String excerpt(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
