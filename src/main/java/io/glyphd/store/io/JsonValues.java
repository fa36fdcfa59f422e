package io.glyphd.store.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON values that go to {@code heuristics} (a heuristics object, an unknown field's value) so that they
 * read back exactly: objects, arrays, strings, booleans, null, whole numbers (as Integer, Long or BigInteger) and
 * other numbers as doubles. A number a double cannot hold as written is refused rather than changed: beyond the
 * range of a double ({@code 1e400}, which JSON would turn into the string {@code "Infinity"}), too small for one
 * ({@code 1e-400}, not 0), negative zero ({@code -0.0}, which SQL and JSON stores turn into 0), NaN and infinities.
 * A key given twice in one object is refused too. Every refusal names the path of the value, e.g.
 * {@code heuristics.bench[2]}.
 */
final class JsonValues {
    /** The factory every reader's JSON goes through: NaN allowed as a number, parser limits applied. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(ListingReader.CONSTRAINTS)
            .errorReportConfiguration(ListingReader.ERROR_REPORTS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final JsonParser parser;
    private long budget;
    private String problem;

    /**
     * Creates a reader of values from {@code parser}, counting the characters of their strings, names and numbers
     * against {@code budget}.
     */
    JsonValues(JsonParser parser, long budget) {
        this.parser = parser;
        this.budget = budget;
    }

    /** Returns the characters left of the budget; negative once exceeded. */
    long budget() {
        return budget;
    }

    /** Returns the first problem found since the last call, or null, and forgets it. */
    String takeProblem() {
        String found = problem;
        problem = null;
        return found;
    }

    /** Counts characters against the budget; returns false once it is exceeded. */
    boolean spend(long characters) {
        budget -= characters;
        return budget >= 0;
    }

    /**
     * Reads the value whose first token is current, to its end, and returns it; a problem with it is kept for
     * {@link #takeProblem()} (the value is then read to its end but not kept). Past the budget, values are read
     * and dropped.
     */
    Object read(JsonToken token, String path) throws IOException {
        return read(token, new Where(null, path, -1));
    }

    private Object read(JsonToken token, Where path) throws IOException {
        return switch (token) {
            case START_OBJECT -> readObject(path);
            case START_ARRAY -> readArray(path);
            case VALUE_STRING -> spend(parser.getTextLength()) ? parser.getText() : null;
            case VALUE_NUMBER_INT -> spend(parser.getTextLength()) ? parser.getNumberValue() : null;
            case VALUE_NUMBER_FLOAT -> spend(parser.getTextLength()) ? floating(parser.getText(), path) : null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("unexpected " + token + " at " + path);
        };
    }

    private Map<String, Object> readObject(Where path) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            spend(key.length());
            Object value = read(parser.nextToken(), new Where(path, key, -1));
            if (object.containsKey(key)) {
                problem(Values.quote(key) + " is given twice in " + path);
            }
            object.put(key, value);
        }
        expect(token, JsonToken.END_OBJECT);
        return object;
    }

    private List<Object> readArray(Where path) throws IOException {
        List<Object> array = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            array.add(read(token, new Where(path, null, array.size())));
        }
        return array;
    }

    /**
     * Where a value is, e.g. {@code heuristics.bench[2]}: a link to its parent, so that a path is only spelt out for
     * a message (at most {@value #MAX_PATH} characters of it).
     */
    private record Where(Where parent, String key, int index) {
        private static final int MAX_PATH = 80;

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            for (Where at = this; at != null; at = at.parent) {
                String step = at.key == null ? "[" + at.index + "]" : (at.parent == null ? "" : ".") + at.key;
                text.insert(0, step.length() > MAX_PATH ? step.substring(0, MAX_PATH) + "..." : step);
                if (text.length() > MAX_PATH) {
                    return "..." + text.substring(text.length() - MAX_PATH);
                }
            }
            return text.toString();
        }
    }

    private Double floating(String text, Where path) throws IOException {
        if (parser.isNaN()) {
            // NaN and infinities, as ALLOW_NON_NUMERIC_NUMBERS reads them; stored JSON would hold a string instead
            problem(path + " is " + Values.quote(text) + ", which JSON cannot hold as a number");
            return null;
        }
        double value = Double.parseDouble(text);
        String inexact = inexact(text, value);
        if (inexact != null) {
            problem(path + " is " + Values.quote(text) + inexact);
        }
        return value;
    }

    /**
     * Returns why {@code value}, parsed from the number {@code text}, does not keep what the text says (beyond the
     * range of a double, too small for one, negative zero), as the end of a sentence naming the value; null if it
     * does.
     */
    static String inexact(String text, double value) {
        if (Double.isInfinite(value)) {
            return ", beyond the range of a double (about 1.8e308); it cannot be kept exactly";
        }
        if (value == 0 && hasNonZeroDigit(text)) {
            return ", too small for a double (about 4.9e-324); it cannot be kept exactly";
        }
        if (value == 0 && text.charAt(0) == '-') {
            return ": negative zero cannot be kept (it reads back as 0); write 0";
        }
        return null;
    }

    private static boolean hasNonZeroDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 'e' || c == 'E') {
                return false;
            }
            if (c >= '1' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private void problem(String reason) {
        if (problem == null) {
            problem = reason;
        }
    }

    private static void expect(JsonToken token, JsonToken expected) {
        if (token != expected) {
            throw new IllegalStateException("expected " + expected + ", parser gave " + token);
        }
    }

    /**
     * Parses the text of a heuristics cell: a JSON object, read as {@link JsonValues} reads values.
     *
     * @throws IllegalArgumentException if it is not one JSON object or holds a value that cannot be kept exactly
     */
    static Map<String, Object> parseObject(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + Values.quote(text));
            }
            JsonValues values = new JsonValues(parser, Long.MAX_VALUE);
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) values.read(token, "heuristics");
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("not a JSON object: " + Values.quote(text)
                        + " (text after the object)");
            }
            String problem = values.takeProblem();
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return object;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + Values.quote(text) + " ("
                    + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string failed", e);
        }
    }
}
