package io.glyphd.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Seeded random listings for property-style tests: valid ones at the edges of what {@link Listing} accepts (odd
 * text, extreme numbers, boundary instants), and import ids within {@link ImportRequest}'s rule. The same seed
 * always gives the same values, so a failing seed can be replayed.
 */
public final class RandomListings {
    /** Text fragments chosen to break naive SQL, JSON, CSV or UTF handling; all valid UTF-16. */
    private static final String[] ODD = {
        "'; DROP TABLE listings; --", "' OR '1'='1", "\"", "''", "%", "_", "%_%", "\\", "\\'", "--", "/*", "*/", ";",
        "\n", "\r\n", "\t", "\0", "🚀", "👩‍👩‍👧", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "显卡", "ＲＴＸ", "é", "é", "ß", "İ", "ﬁ",
        "\u200b", "\u202e", "\ufeff", "\u00a0", "NULL", "null", "true", "{}", "[", "]", "${x}", "<b>", "&amp;",
    };
    private static final String[] PLAIN = {"RTX_4090", "H100_PCIE_80GB", "a", "Z", "usa", "Used", "x y", "0"};
    private static final int[] CODE_POINTS = {'a', 'Z', '0', ' ', '\'', '"', '%', '_', '\\', 0, '\n', 0x7f, 0xe9,
        0x4e2d, 0x6587, 0x1f600, 0x1f680, 0x10ffff, 0xfffd, 0xffff};

    /** The two halves of U+1F680, each invalid alone. */
    private static final char HIGH_SURROGATE = (char) 0xD83D;
    private static final char LOW_SURROGATE = (char) 0xDE80;

    private final Random random;

    /** Creates a generator; the same seed gives the same sequence. */
    public RandomListings(long seed) {
        random = new Random(seed);
    }

    /** Returns the underlying random source, for choices a test makes itself. */
    public Random random() {
        return random;
    }

    /** Returns a valid listing with every optional component randomly set or null. */
    public Listing valid() {
        Listing.Builder b = Listing.builder()
                .canonicalModel(nonBlank(matchable(text(200))))
                .price(price())
                .score(number());
        if (random.nextBoolean()) {
            b.vramGb(random.nextBoolean() ? random.nextInt(Integer.MAX_VALUE) : pick(0, Integer.MAX_VALUE));
        }
        if (random.nextBoolean()) {
            b.tdpWatts(random.nextInt(2000));
        }
        if (random.nextBoolean()) {
            b.migSupport(random.nextInt(8));
        }
        if (random.nextBoolean()) {
            b.nvlink(random.nextBoolean());
        }
        b.generation(maybe(text(50)));
        if (random.nextBoolean()) {
            b.cudaCores(random.nextInt(Integer.MAX_VALUE));
        }
        if (random.nextBoolean()) {
            double width = Math.abs(number());
            b.slotWidth(width == 0.0 ? Double.MIN_VALUE : width);
        }
        if (random.nextBoolean()) {
            b.pcieGeneration(1 + random.nextInt(Integer.MAX_VALUE - 1));
        }
        b.formFactor(maybe(text(30))).title(maybe(text(random.nextInt(20) == 0 ? Listing.MAX_TEXT_LENGTH : 300)))
                .condition(maybe(matchable(text(20))));
        if (random.nextBoolean()) {
            b.quantity(random.nextInt(Integer.MAX_VALUE));
        }
        b.availability(maybe(text(30)));
        if (random.nextBoolean()) {
            b.minOrderQty(1 + random.nextInt(Integer.MAX_VALUE - 1));
        }
        b.seller(maybe(text(40))).region(maybe(matchable(text(20)))).sourceUrl(maybe(text(300)))
                .sourceType(maybe(text(40)));
        if (random.nextBoolean()) {
            b.seenAt(instant());
        }
        b.matchType(maybe(text(20)));
        if (random.nextBoolean()) {
            b.matchScore(number());
        }
        b.notes(maybe(text(random.nextInt(20) == 0 ? Listing.MAX_TEXT_LENGTH : 500))).warnings(maybe(text(100)));
        if (random.nextBoolean()) {
            b.heuristics(heuristics(2));
        }
        return b.build();
    }

    /** Returns {@code n} valid listings. */
    public List<Listing> valid(int n) {
        List<Listing> listings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            listings.add(valid());
        }
        return listings;
    }

    /** Returns a valid import id: 1 to 200 characters after stripping, odd characters included, no controls. */
    public String importId() {
        StringBuilder id = new StringBuilder();
        int target = 1 + random.nextInt(random.nextInt(10) == 0 ? ImportRequest.MAX_IMPORT_ID_LENGTH : 40);
        while (id.length() < target) {
            String piece = random.nextBoolean() ? ODD[random.nextInt(ODD.length)] : PLAIN[random.nextInt(PLAIN.length)];
            for (int i = 0; i < piece.length(); i++) {
                char c = piece.charAt(i);
                if (!Character.isISOControl(c)) {
                    id.append(c);
                }
            }
        }
        String stripped = cut(id.toString(), ImportRequest.MAX_IMPORT_ID_LENGTH).strip();
        return stripped.isEmpty() ? "id" : stripped;
    }

    /**
     * Returns text of at most {@code max} UTF-16 characters mixing plain words, odd fragments and random code
     * points (never a lone surrogate); sometimes exactly {@code max} characters long.
     */
    public String text(int max) {
        StringBuilder s = new StringBuilder();
        int target = random.nextInt(8) == 0 ? max : random.nextInt(Math.min(max, 60) + 1);
        while (s.length() < target) {
            switch (random.nextInt(3)) {
                case 0 -> s.append(ODD[random.nextInt(ODD.length)]);
                case 1 -> s.append(PLAIN[random.nextInt(PLAIN.length)]);
                default -> s.appendCodePoint(random.nextInt(4) == 0 ? CODE_POINTS[random.nextInt(CODE_POINTS.length)]
                        : validCodePoint());
            }
        }
        return cut(s.toString(), max);
    }

    /** Returns a price with 0 to 6 decimals between 0 and {@link Listing#MAX_PRICE}, edges included. */
    public BigDecimal price() {
        return switch (random.nextInt(6)) {
            case 0 -> BigDecimal.ZERO;
            case 1 -> Listing.MAX_PRICE;
            case 2 -> new BigDecimal("0.000001");
            case 3 -> new BigDecimal("999999999999.999999");
            default -> {
                int scale = random.nextInt(Listing.MAX_PRICE_SCALE + 1);
                long bound = Listing.MAX_PRICE.movePointRight(scale).longValueExact() + 1;
                yield BigDecimal.valueOf(Math.floorMod(random.nextLong(), bound), scale);
            }
        };
    }

    /** Returns a finite double, often an extreme one (the smallest subnormal, the largest, negative, zero). */
    public double number() {
        return switch (random.nextInt(10)) {
            case 0 -> Double.MIN_VALUE;
            case 1 -> Double.MAX_VALUE;
            case 2 -> -Double.MAX_VALUE;
            case 3 -> Double.MIN_NORMAL;
            case 4 -> -Double.MIN_VALUE;
            case 5 -> 0.0;
            case 6 -> Math.nextDown(1.0);
            case 7 -> (double) random.nextLong();
            default -> {
                double d = Double.longBitsToDouble(random.nextLong());
                yield Double.isFinite(d) ? d : random.nextDouble();
            }
        };
    }

    /** Returns an instant between 0001-01-01 and 9999-12-31T23:59:59.999999Z, edges included. */
    public Instant instant() {
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        return switch (random.nextInt(5)) {
            case 0 -> Instant.ofEpochSecond(min);
            case 1 -> Instant.parse("9999-12-31T23:59:59.999999Z");
            case 2 -> Instant.EPOCH.minusNanos(1);
            default -> Instant.ofEpochSecond(min + Math.floorMod(random.nextLong(), max - min),
                    random.nextInt(1_000_000_000));
        };
    }

    /**
     * A way to break a valid listing: building it must fail with a message naming {@code field}.
     *
     * @param field the component at fault, as the message names it
     * @param description what was done, for assertion messages
     * @param build builds the broken listing, which must throw
     */
    public record Invalid(String field, String description, Runnable build) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** Returns every way this generator knows to break a fresh valid listing, in a fixed order. */
    public List<Invalid> invalid() {
        List<Invalid> all = new ArrayList<>();
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            all.add(broken("score", "score " + bad, b -> b.score(bad)));
            all.add(broken("matchScore", "matchScore " + bad, b -> b.matchScore(bad)));
            all.add(broken("slotWidth", "slotWidth " + bad, b -> b.slotWidth(bad)));
        }
        all.add(broken("slotWidth", "slotWidth 0", b -> b.slotWidth(0.0)));
        all.add(broken("price", "negative price", b -> b.price(price().add(new BigDecimal("0.000001")).negate())));
        all.add(broken("price", "price with 7 decimals", b -> b.price(price().add(new BigDecimal("0.0000001")))));
        all.add(broken("price", "price above the maximum", b -> b.price(Listing.MAX_PRICE.add(BigDecimal.ONE))));
        all.add(broken("price", "no price", b -> b.price((BigDecimal) null)));
        for (String blank : new String[] {"", " ", "\t\n", "\u2003\u3000"}) {
            all.add(broken("canonicalModel", "blank canonicalModel", b -> b.canonicalModel(blank)));
        }
        all.add(broken("canonicalModel", "no canonicalModel", b -> b.canonicalModel(null)));
        for (String field : TEXT_FIELDS) {
            int at = random.nextInt(20);
            String lone = String.valueOf(random.nextBoolean() ? HIGH_SURROGATE : LOW_SURROGATE);
            all.add(broken(field, "lone surrogate in " + field, b -> setText(b, field, "x".repeat(at) + lone + "y")));
            all.add(broken(field, "reversed surrogate pair in " + field,
                    b -> setText(b, field, "" + LOW_SURROGATE + HIGH_SURROGATE)));
            all.add(broken(field, field + " over the maximum length",
                    b -> setText(b, field, "z".repeat(Listing.MAX_TEXT_LENGTH + 1 + random.nextInt(5)))));
        }
        for (String field : List.of("canonicalModel", "region", "condition")) {
            all.add(broken(field, "NUL in " + field, b -> setText(b, field, "RTX\0" + random.nextInt(10))));
        }
        all.add(broken("migSupport", "migSupport 8", b -> b.migSupport(8)));
        all.add(broken("migSupport", "migSupport -1", b -> b.migSupport(-1)));
        all.add(broken("vramGb", "negative vramGb", b -> b.vramGb(-1 - random.nextInt(100))));
        all.add(broken("tdpWatts", "negative tdpWatts", b -> b.tdpWatts(Integer.MIN_VALUE)));
        all.add(broken("cudaCores", "negative cudaCores", b -> b.cudaCores(-1)));
        all.add(broken("quantity", "negative quantity", b -> b.quantity(-1)));
        all.add(broken("minOrderQty", "minOrderQty 0", b -> b.minOrderQty(0)));
        all.add(broken("pcieGeneration", "pcieGeneration 0", b -> b.pcieGeneration(0)));
        all.add(broken("seenAt", "seenAt in year 0", b -> b.seenAt(Instant.parse("0000-12-31T23:59:59Z"))));
        all.add(broken("seenAt", "seenAt in year 10000", b -> b.seenAt(Instant.parse("+10000-01-01T00:00:00Z"))));
        all.add(broken("importIndex", "importIndex 0", b -> b.importIndex(0)));
        all.add(broken("importId", "blank importId", b -> b.importId(" ")));
        return all;
    }

    /** Names of the text components, as messages name them. */
    public static final List<String> TEXT_FIELDS = List.of("canonicalModel", "generation", "formFactor", "title",
            "condition", "availability", "seller", "region", "sourceUrl", "sourceType", "matchType", "notes",
            "warnings");

    private Invalid broken(String field, String description, Consumer<Listing.Builder> change) {
        Listing.Builder builder = valid().toBuilder();
        change.accept(builder);
        return new Invalid(field, description, builder::build);
    }

    private static void setText(Listing.Builder b, String field, String value) {
        switch (field) {
            case "canonicalModel" -> b.canonicalModel(value);
            case "generation" -> b.generation(value);
            case "formFactor" -> b.formFactor(value);
            case "title" -> b.title(value);
            case "condition" -> b.condition(value);
            case "availability" -> b.availability(value);
            case "seller" -> b.seller(value);
            case "region" -> b.region(value);
            case "sourceUrl" -> b.sourceUrl(value);
            case "sourceType" -> b.sourceType(value);
            case "matchType" -> b.matchType(value);
            case "notes" -> b.notes(value);
            case "warnings" -> b.warnings(value);
            default -> throw new IllegalArgumentException("not a text field: " + field);
        }
    }

    private Map<String, Object> heuristics(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            String key = text(20);
            Object value = switch (random.nextInt(depth > 0 ? 8 : 6)) {
                case 0 -> text(100);
                case 1 -> random.nextInt();
                case 2 -> random.nextLong();
                case 3 -> number();
                case 4 -> new BigInteger(100, random);
                case 5 -> random.nextBoolean();
                case 6 -> heuristics(depth - 1);
                default -> List.of(text(10), random.nextInt(), heuristics(depth - 1));
            };
            map.put(key, value);
        }
        return map;
    }

    private String maybe(String value) {
        return random.nextBoolean() ? value : null;
    }

    /** Drops NUL, which {@link Listing} refuses in the fields queries match. */
    private static String matchable(String value) {
        return value.replace("\0", "");
    }

    private static String nonBlank(String value) {
        return value.isBlank() ? "M" + value : value;
    }

    private int pick(int a, int b) {
        return random.nextBoolean() ? a : b;
    }

    private int validCodePoint() {
        while (true) {
            int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
            if (Character.getType(cp) != Character.SURROGATE) {
                return cp;
            }
        }
    }

    /** Returns at most {@code max} characters of {@code s}, never splitting a surrogate pair. */
    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
