package io.glyphd.store.internal;

import io.glyphd.store.ListingQuery;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where a page of an ordered listing query ended, and its encoding as an opaque continuation token.
 *
 * <p>A token is URL-safe Base64 (no padding) of {@code 1|ORDER|FINGERPRINT|KEY|TIEBREAK}: the format version, the
 * query's order, a fingerprint of the query's filters and order (not its limit or offset), the last row's sort value
 * ({@code d} and the bits of a double, {@code l} and a long, or {@code n} for SQL NULL) and its tiebreak (its storage
 * id, or its import index in {@code IMPORT_ORDER}, where the sort value is its import's storage key). Immutable.
 *
 * @param order the query's order
 * @param fingerprint the query's fingerprint, see {@link #fingerprint(ListingQuery)}
 * @param key the last row's sort value in the backend's own units: a {@code Double} score, a {@code Long}, or null
 *        for a listing without {@code seenAt}
 * @param tiebreak the last row's storage id, or its import index in {@code IMPORT_ORDER}
 */
public record PageToken(ListingQuery.Order order, String fingerprint, Object key, long tiebreak) {
    private static final String VERSION = "1";
    private static final int MAX_TOKEN_LENGTH = 256;

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if the key is not of a type the order uses
     */
    public PageToken {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(fingerprint, "fingerprint");
        boolean valid = switch (order) {
            case SCORE_DESC -> key instanceof Double d && Double.isFinite(d);
            case PRICE_ASC, PRICE_DESC, IMPORT_ORDER -> key instanceof Long;
            case SEEN_AT_DESC -> key == null || key instanceof Long;
        };
        if (!valid) {
            throw new IllegalArgumentException("a " + order + " page token cannot hold the sort value " + key);
        }
    }

    /** Returns the position after a row of {@code query}'s result with sort value {@code key}. */
    public static PageToken after(ListingQuery query, Object key, long tiebreak) {
        return new PageToken(query.orderBy(), fingerprint(query), key, tiebreak);
    }

    /** Returns the opaque token text. */
    public String encode() {
        String keyText = key == null ? "n" : key instanceof Double d
                ? "d" + Long.toHexString(Double.doubleToLongBits(d)) : "l" + key;
        String text = VERSION + "|" + order.name() + "|" + fingerprint + "|" + keyText + "|" + tiebreak;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a token that a page of {@code query} issued.
     *
     * @throws IllegalArgumentException if {@code token} is not a page token, or belongs to a query with other filters
     *         or another order
     */
    public static PageToken decode(String token, ListingQuery query) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw notAToken("it has " + token.length() + " characters");
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notAToken("it is not URL-safe Base64");
        }
        String[] parts = text.split("\\|", -1);
        if (parts.length != 5 || !VERSION.equals(parts[0])) {
            throw notAToken("its format is unknown");
        }
        if (!query.orderBy().name().equals(parts[1])) {
            throw new IllegalArgumentException("pageToken belongs to a different query: it continues order " + parts[1]
                    + ", this query orders by " + query.orderBy());
        }
        if (!fingerprint(query).equals(parts[2])) {
            throw new IllegalArgumentException("pageToken belongs to a different query: its filters differ from this"
                    + " query's; start again without a token");
        }
        try {
            return new PageToken(query.orderBy(), parts[2], parseKey(parts[3]), Long.parseLong(parts[4]));
        } catch (IllegalArgumentException e) {
            throw notAToken("its position is malformed");
        }
    }

    private static Object parseKey(String text) {
        if (text.equals("n")) {
            return null;
        }
        if (text.startsWith("d")) {
            return Double.longBitsToDouble(Long.parseUnsignedLong(text.substring(1), 16));
        }
        if (text.startsWith("l")) {
            return Long.parseLong(text.substring(1));
        }
        throw new IllegalArgumentException("unknown key type");
    }

    private static IllegalArgumentException notAToken(String why) {
        return new IllegalArgumentException("pageToken is not a page token issued by this store: " + why);
    }

    /**
     * Returns 16 hex digits that identify the query's filters and order: equal for two queries that differ only in
     * limit and offset, and, for all practical purposes, different otherwise. Values are compared as given (a model
     * spelled in another case is another query, and so are the same models in another order); prices compare by
     * value (595.99 equals 595.990). The filters added after the first release enter the text only when set, so a
     * token of a query without them stays valid across that upgrade.
     */
    public static String fingerprint(ListingQuery q) {
        StringBuilder text = new StringBuilder();
        field(text, "model", q.model());
        field(text, "minScore", q.minScore());
        field(text, "maxScore", q.maxScore());
        field(text, "minPrice", price(q.minPrice()));
        field(text, "maxPrice", price(q.maxPrice()));
        field(text, "region", q.region());
        field(text, "condition", q.condition());
        field(text, "seenAfter", q.seenAfter());
        field(text, "seenBefore", q.seenBefore());
        field(text, "importId", q.importId());
        optional(text, "models", q.models() == null ? null : String.join(",", q.models().stream()
                .map(m -> m.length() + ":" + m).toList()));
        optional(text, "minVramGb", q.minVramGb());
        optional(text, "maxVramGb", q.maxVramGb());
        optional(text, "minMigSupport", q.minMigSupport());
        optional(text, "nvlink", q.nvlink());
        optional(text, "generation", q.generation());
        optional(text, "formFactor", q.formFactor());
        optional(text, "seller", q.seller());
        optional(text, "sourceType", q.sourceType());
        optional(text, "availability", q.availability());
        optional(text, "inStock", q.inStock() ? Boolean.TRUE : null);
        optional(text, "sourceUrl", q.sourceUrl());
        optional(text, "minMatchScore", q.minMatchScore());
        optional(text, "current", q.current() ? Boolean.TRUE : null);
        optional(text, "distinctOffers", q.distinctOffers() ? Boolean.TRUE : null);
        field(text, "orderBy", q.orderBy());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String price(BigDecimal price) {
        return price == null ? null : price.stripTrailingZeros().toPlainString();
    }

    private static void optional(StringBuilder text, String name, Object value) {
        if (value != null) {
            field(text, name, value);
        }
    }

    private static void field(StringBuilder text, String name, Object value) {
        // Length-prefixed, so no value can imitate a separator.
        String v = value == null ? "" : value.toString();
        text.append(name).append(value == null ? "-" : "=").append(v.length()).append(':').append(v).append(';');
    }
}
