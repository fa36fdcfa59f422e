package io.glyphd.store.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.glyphd.store.Listing;
import io.glyphd.store.internal.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JSON array of listing objects, or a sequence of objects (JSON Lines), one object at a time. Values may be
 * JSON numbers, booleans or strings; {@code NaN} is accepted as a number.
 */
final class JsonListingReader extends ListingReader {
    private static final ObjectReader READER = JsonCodec.mapper().reader()
            .with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Object UNKNOWN = new Object();

    private final JsonParser parser;
    private final boolean array;
    /** Column of each field name seen, or {@link #UNKNOWN}. */
    private final Map<String, Object> fields = new HashMap<>();
    private boolean pendingObject;
    private long record;

    JsonListingReader(InputStream in, String source) {
        super(source, "field");
        parser = create(() -> READER.createParser(in));
        array = start();
    }

    JsonListingReader(Reader in, String source) {
        super(source, "field");
        parser = create(() -> READER.createParser(in));
        array = start();
    }

    /** Opens a parser. */
    @FunctionalInterface
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private JsonParser create(ParserSource source) {
        try {
            return source.open();
        } catch (IOException e) {
            throw readFailure(0, e);
        }
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
        } catch (JsonProcessingException e) {
            RuntimeException failure = formatFailure(line(e), null, "malformed JSON: " + e.getOriginalMessage());
            closeAfter(failure);
            throw failure;
        } catch (IOException e) {
            RuntimeException failure = readFailure(0, e);
            closeAfter(failure);
            throw failure;
        } catch (RuntimeException e) {
            closeAfter(e);
            throw e;
        }
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
                    error(new RowError(parser.currentLocation().getLineNr(), 0, null,
                            "the JSON array is not closed; the file ends early"));
                    return null;
                }
                if (token == JsonToken.END_ARRAY && array) {
                    JsonToken after = parser.nextToken();
                    if (after != null) {
                        error(new RowError(parser.currentTokenLocation().getLineNr(), 0, null,
                                "unexpected " + describe(after) + " after the closing ]"));
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
                JsonNode node = READER.readTree(parser);
                Listing listing = map(node, line);
                if (listing != null) {
                    return listing;
                }
            }
        } catch (JsonProcessingException e) {
            error(new RowError(line(e), record, null, "malformed JSON: " + e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            throw readFailure(parser.currentLocation().getLineNr(), e);
        }
    }

    private Listing map(JsonNode node, long line) {
        RowBuilder row = new RowBuilder(this::error, line, record);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            Object target = fields.computeIfAbsent(name, this::resolve);
            if (target == UNKNOWN) {
                row.extra(name, value.isNull() ? null : JsonCodec.mapper().convertValue(value, Object.class));
            } else if (target == Column.HEURISTICS && value.isObject()) {
                row.heuristics(JsonCodec.readObject(value.toString()));
            } else if (value.isContainerNode()) {
                row.error(name, "expected a " + (target == Column.HEURISTICS ? "JSON object" : "single value")
                        + ", found " + (value.isArray() ? "an array" : "an object"));
            } else {
                row.cell((Column) target, name, value.isNull() || value.isMissingNode() ? null : value.asText());
            }
        }
        return row.build();
    }

    private Object resolve(String name) {
        Column column = Column.forName(name);
        if (column == null) {
            extraColumn(name);
            return UNKNOWN;
        }
        return column;
    }

    private long line(JsonProcessingException e) {
        return e.getLocation() == null ? parser.currentLocation().getLineNr() : e.getLocation().getLineNr();
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
