package io.glyphd.store.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.glyphd.store.Listing;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON array of listing objects, or a sequence of objects (JSON Lines), one object at a time, token by token.
 * Values may be JSON numbers, booleans or strings; {@code NaN} is accepted as a number. A number's text is read as
 * the file writes it ({@code 595.990}, {@code 1e400}), not through a double. A field given twice in one record is an
 * error, as a CSV column named twice is; heuristics and unknown fields are read by {@link JsonValues}.
 */
final class JsonListingReader extends ListingReader {
    private static final Object UNKNOWN = new Object();

    private final JsonParser parser;
    private final boolean array;
    /** Column of each field name seen, or {@link #UNKNOWN}. */
    private final Map<String, Object> fields = new HashMap<>();
    private final Set<String> recordFields = new HashSet<>();
    private boolean pendingObject;
    private long record;

    JsonListingReader(Reader in, String source) {
        super(source, "field");
        try {
            parser = JsonValues.FACTORY.createParser(in);
        } catch (IOException e) {
            throw readFailure(0, e);
        }
        array = start();
    }

    /** Reads the first token; returns true for an array of objects, false for a sequence of objects. */
    private boolean start() {
        try {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_ARRAY) {
                return true;
            }
            if (token == JsonToken.START_OBJECT) {
                pendingObject = true;
                return false;
            }
            throw formatFailure(1, null, token == null ? "the file is empty; expected a JSON array of listings"
                    : "expected a JSON array of listing objects, found " + describe(token));
        } catch (IOException e) {
            RuntimeException failure = textFailure(e);
            closeAfter(failure);
            throw failure;
        } catch (RuntimeException e) {
            closeAfter(e);
            throw e;
        }
    }

    /** Returns the failure for a problem in the text before any record: a format problem, or a read failure. */
    private RuntimeException textFailure(IOException e) {
        RowError error = textError(e, 0);
        return error == null ? readFailure(0, e) : new ListingFormatException(source(), List.of(error), 0);
    }

    @Override
    Listing readListing() {
        try {
            while (true) {
                JsonToken token;
                if (pendingObject) {
                    token = JsonToken.START_OBJECT;
                    pendingObject = false;
                } else {
                    token = parser.nextToken();
                }
                if (token == null && !array) {
                    return null;
                }
                if (token == null) {
                    JsonLocation at = parser.currentLocation();
                    error(new RowError(at.getLineNr(), 0, null, "the JSON array is not closed; the file ends early",
                            Math.max(1, at.getColumnNr())));
                    return null;
                }
                if (token == JsonToken.END_ARRAY && array) {
                    JsonToken after = parser.nextToken();
                    if (after != null) {
                        JsonLocation at = parser.currentTokenLocation();
                        error(new RowError(at.getLineNr(), 0, null, "unexpected " + describe(after)
                                + " after the closing ]", Math.max(1, at.getColumnNr())));
                    }
                    return null;
                }
                long line = parser.currentTokenLocation().getLineNr();
                record++;
                if (token != JsonToken.START_OBJECT) {
                    error(new RowError(line, record, null, "expected a listing object, found " + describe(token)));
                    parser.skipChildren();
                    continue;
                }
                Listing listing = readRecord(line);
                if (listing != null) {
                    return listing;
                }
            }
        } catch (IOException e) {
            RowError error = textError(e, record);
            if (error == null) {
                throw readFailure(parser.currentLocation().getLineNr(), e);
            }
            error(error);
            return null;
        }
    }

    /** Reads the fields of the record whose START_OBJECT is current, to its END_OBJECT. */
    private Listing readRecord(long line) throws IOException {
        RowBuilder row = new RowBuilder(this::error, line, record);
        JsonValues values = new JsonValues(parser, MAX_RECORD_LENGTH);
        recordFields.clear();
        boolean tooLong = false;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            values.spend(name.length());
            JsonToken value = parser.nextToken();
            if (name.length() > MAX_NAME_LENGTH) {
                row.error(name.substring(0, Values.MAX_QUOTED) + "...", "a field name is longer than "
                        + MAX_NAME_LENGTH + " characters (" + name.length() + ")");
                parser.skipChildren();
                continue;
            }
            if (!recordFields.add(name)) {
                row.error(name, "the record gives field '" + name + "' twice");
                parser.skipChildren();
                continue;
            }
            Object target = fields.computeIfAbsent(name, this::resolve);
            boolean container = value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY;
            if (target == UNKNOWN || target == Column.HEURISTICS && value == JsonToken.START_OBJECT) {
                Object read = values.read(value, target == UNKNOWN ? name : "heuristics");
                String problem = values.takeProblem();
                if (problem != null) {
                    row.error(name, problem);
                } else if (target == UNKNOWN) {
                    row.extra(name, read);
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> object = (Map<String, Object>) read;
                    row.heuristics(object);
                }
            } else if (container) {
                row.error(name, "expected a " + (target == Column.HEURISTICS ? "JSON object" : "single value")
                        + ", found " + (value == JsonToken.START_ARRAY ? "an array" : "an object"));
                parser.skipChildren();
            } else {
                values.spend(value == JsonToken.VALUE_NULL ? 0 : parser.getTextLength());
                row.cell((Column) target, name, value == JsonToken.VALUE_NULL ? null : parser.getText());
            }
            if (values.budget() < 0 && !tooLong) {
                tooLong = true;
                row.error(name, "the record is longer than " + MAX_RECORD_LENGTH + " characters");
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IllegalStateException("JSON parser gave " + token + " inside an object");
        }
        return row.build();
    }

    /**
     * Returns the error for a problem in the JSON text itself (malformed, a limit passed, not UTF-8), at the place
     * it was found; null for an I/O failure.
     */
    private RowError textError(IOException e, long recordNumber) {
        if (e instanceof Utf8Reader.MalformedUtf8Exception utf8) {
            return new RowError(utf8.line(), recordNumber, null, utf8.reason(), utf8.character());
        }
        if (e instanceof CharacterCodingException) {
            JsonLocation at = parser.currentLocation();
            return new RowError(at.getLineNr(), recordNumber, null, "not valid UTF-8 text",
                    Math.max(1, at.getColumnNr()));
        }
        if (!(e instanceof JsonProcessingException json)) {
            return null;
        }
        // A limit's exception has no location; where reading stopped is inside the value at fault.
        JsonLocation at = json.getLocation() == null ? parser.currentLocation() : json.getLocation();
        String reason = e instanceof StreamConstraintsException ? limitPassed(json.getOriginalMessage())
                : "malformed JSON: " + json.getOriginalMessage();
        return new RowError(at.getLineNr(), recordNumber, null, reason, Math.max(1, at.getColumnNr()));
    }

    private static String limitPassed(String message) {
        String text = message == null ? "" : message;
        if (text.contains("getMaxStringLength")) {
            return "a string is longer than " + MAX_CELL_LENGTH + " characters";
        }
        if (text.contains("getMaxNumberLength")) {
            return "a number is longer than " + Values.MAX_NUMBER_LENGTH + " characters";
        }
        if (text.contains("getMaxNestingDepth")) {
            return "arrays and objects nest deeper than " + MAX_NESTING_DEPTH + " levels";
        }
        return "the JSON passes a reader limit: " + text;
    }

    private Object resolve(String name) {
        Column column = Column.forName(name);
        if (column == null) {
            extraColumn(name);
            return UNKNOWN;
        }
        return column;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw readFailure(0, e);
        }
    }

    private void closeAfter(RuntimeException failure) {
        try {
            parser.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
