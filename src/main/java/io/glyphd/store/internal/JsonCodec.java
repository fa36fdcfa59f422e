package io.glyphd.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The one configured Jackson mapper, and the JSON conversions the backends need. Thread-safe. */
public final class JsonCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() { };

    private JsonCodec() {
    }

    /** Returns the shared mapper (ISO-8601 instants, JSR-310 types); callers must not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Returns an immutable copy of {@code value} shaped exactly as it reads back from JSON, so that it compares
     * equal after a round trip through any store; null becomes an empty map.
     *
     * @throws IllegalArgumentException if the value cannot be written as JSON or holds a number JSON has no form for
     *         (NaN, an infinity); the message names the field
     */
    public static Map<String, Object> normalizeObject(String field, Map<String, ?> value, String owner) {
        if (value instanceof FrozenObject frozen) {
            return frozen;
        }
        if (value == null || value.isEmpty()) {
            return Map.of();
        }
        String json;
        try {
            json = MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException(field + " cannot be written as a JSON object"
                    + (owner == null ? "" : " for " + owner) + ": " + e.getMessage(), e);
        }
        if (readsBackAsItself(value)) {
            // Parsing the text just written would give an equal map of the same classes: keep the map, and the text
            // for the insert. Every reader's heuristics (text, numbers, booleans) take this path.
            return new FrozenObject(new LinkedHashMap<>(value), json);
        }
        String[] nonFinite = nonFinite(field, value);
        if (nonFinite != null) {
            // The mapper writes NaN and the infinities as strings and reads a BigDecimal beyond double's range as an
            // infinity: the listing would read back with another value, so it is refused.
            throw new IllegalArgumentException(nonFinite[0] + " must be a finite number"
                    + (owner == null ? "" : " for " + owner) + ", was " + nonFinite[1] + ": JSON cannot hold it");
        }
        return readObject(json);
    }

    /**
     * Returns whether every key is a String and every value one that the mapper reads back as an equal value of the
     * same class: null, a String, a Boolean, an Integer, a Long outside int's range (the mapper reads whole numbers
     * as the smallest of Integer, Long and BigInteger), a finite Double. Anything else (nested objects and lists,
     * BigDecimal, Float, a small Long, NaN) goes through the parse.
     */
    private static boolean readsBackAsItself(Map<String, ?> value) {
        for (Map.Entry<?, ?> entry : value.entrySet()) {
            Object v = entry.getValue();
            boolean same = v == null || v instanceof String || v instanceof Boolean || v instanceof Integer
                    || v instanceof Long l && (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)
                    || v instanceof Double d && Double.isFinite(d);
            if (!(entry.getKey() instanceof String) || !same) {
                return false;
            }
        }
        return true;
    }

    /** Returns the path ({@code heuristics.a[2].b}) and value of the first number JSON cannot hold, or null. */
    private static String[] nonFinite(String path, Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String[] found = nonFinite(path + "." + entry.getKey(), entry.getValue());
                if (found != null) {
                    return found;
                }
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                String[] found = nonFinite(path + "[" + i + "]", list.get(i));
                if (found != null) {
                    return found;
                }
            }
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                return new String[] {path, value.toString()};
            }
        }
        return null;
    }

    /**
     * Returns {@code value} as JSON text, or null if it is empty. A map this codec parsed is not written again: the
     * text it was parsed from is returned (an import would otherwise serialise every listing's heuristics twice).
     */
    public static String writeObject(Map<String, ?> value) {
        if (value instanceof FrozenObject frozen && frozen.json != null) {
            return frozen.json;
        }
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a normalised map could not be written as JSON", e);
        }
    }

    /**
     * Parses a JSON object into an immutable map (nested maps and lists immutable too); null or blank is empty.
     *
     * @throws IllegalArgumentException if the text is not a JSON object
     */
    public static Map<String, Object> readObject(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> copy = new LinkedHashMap<>();
            MAPPER.readValue(json, OBJECT).forEach((k, v) -> copy.put(k, freeze(v)));
            return new FrozenObject(copy, json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Returns the JSON object a store wrote, parsed on first use rather than now: most readers of a listing never
     * look at its heuristics, and parsing them is a large part of mapping a row. Writing the map back
     * ({@link #writeObject}) returns the text without parsing it. Only for text this codec wrote (a store's own
     * column); null or blank is empty.
     *
     * @throws IllegalStateException on first use, if the text turns out not to be a JSON object
     */
    public static Map<String, Object> readStoredObject(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        return new FrozenObject(null, json);
    }

    private static Map<String, Object> parseStored(String json) {
        try {
            Map<String, Object> copy = new LinkedHashMap<>();
            MAPPER.readValue(json, OBJECT).forEach((k, v) -> copy.put(k, freeze(v)));
            return copy;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored heuristics are not a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T freeze(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, freeze(v)));
            return (T) new FrozenObject(copy, null);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(freeze(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }

    /**
     * An immutable JSON object as parsed by this codec. {@link #normalizeObject} returns it as it is, so records
     * read from a store do not pay for a second JSON round trip. One read from a store holds only its text until
     * first use; the parse is idempotent and its result immutable, so racing threads at worst parse twice.
     */
    private static final class FrozenObject extends AbstractMap<String, Object> {
        private volatile Map<String, Object> entries;
        /** The JSON text this object was parsed from, if it is a top-level object; not part of equality. */
        private final String json;

        FrozenObject(Map<String, Object> entries, String json) {
            this.entries = entries == null ? null : Collections.unmodifiableMap(entries);
            this.json = json;
        }

        private Map<String, Object> entries() {
            Map<String, Object> parsed = entries;
            if (parsed == null) {
                parsed = Collections.unmodifiableMap(parseStored(json));
                entries = parsed;
            }
            return parsed;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return entries().entrySet();
        }

        @Override
        public Object get(Object key) {
            return entries().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return entries().containsKey(key);
        }

        @Override
        public int size() {
            return entries().size();
        }
    }
}
