package io.glyphd.store;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two scrapes of the same marketplace built from the real {@code wamatek_scored.csv}: the first is the file as it
 * is, the second the same rows with some listings re-priced, re-scored, removed or added, and a few edge cases.
 * Listing identities are numbered 0..569 in order of first appearance in the file (every one of them appears
 * several times: the file is full of duplicate rows); identity {@code k} is changed as follows in the second
 * scrape:
 * <ul>
 *   <li>{@code k % 10 == 3}: removed (all its rows);</li>
 *   <li>{@code k % 10 == 5}: every row re-priced by +7%, rounded to the cent;</li>
 *   <li>{@code k % 10 == 7}: every row re-scored by +0.01, price unchanged;</li>
 *   <li>{@code k == 1}: only its first row re-priced by +100 USD (the first row stands for the listing);</li>
 *   <li>{@code k == 9}: only its last row re-priced to 1 USD (a cheaper duplicate is not a change);</li>
 *   <li>{@code k == 11}: only its first row kept (fewer duplicates is not a change);</li>
 *   <li>{@code k == 21}: its model spelled in lower case (still the same listing);</li>
 *   <li>{@code k % 10 == 0}, {@code k < 300}: a new listing added at {@code url + "?variant=2"}, 10% cheaper,
 *       with two rows when {@code k % 20 == 0};</li>
 *   <li>three listings without a source URL added at the end.</li>
 * </ul>
 * Every row of the first scrape is seen at {@link #FIRST_SCRAPE} plus its row number in seconds, every row of the
 * second at {@link #SECOND_SCRAPE} plus its row number.
 */
final class WamatekImports {
    static final String FIRST = "wamatek-2025-07-29";
    static final String SECOND = "wamatek-2025-07-30";
    static final Instant FIRST_SCRAPE = Instant.parse("2025-07-29T06:00:00Z");
    static final Instant SECOND_SCRAPE = FIRST_SCRAPE.plus(Duration.ofDays(1));

    private static List<Listing> first;
    private static List<Listing> second;
    private static List<Key> identities;

    private WamatekImports() {
    }

    /** A listing's identity across imports: source URL exactly, model ignoring ASCII case. */
    record Key(String sourceUrl, String model) {
        static Key of(Listing l) {
            return new Key(l.sourceUrl(), l.canonicalModel().toUpperCase(Locale.ROOT));
        }
    }

    static synchronized List<Listing> first() {
        if (first == null) {
            first = List.copyOf(buildFirst());
        }
        return first;
    }

    /** Returns the distinct identities of the file, in order of first appearance. */
    static synchronized List<Key> identities() {
        if (identities == null) {
            Map<Key, Boolean> keys = new LinkedHashMap<>();
            ScoredCsv.wamatek().forEach(l -> keys.put(Key.of(l), true));
            identities = List.copyOf(keys.keySet());
        }
        return identities;
    }

    static synchronized List<Listing> second() {
        if (second == null) {
            second = List.copyOf(buildSecond());
        }
        return second;
    }

    private static List<Listing> buildFirst() {
        List<Listing> rows = new ArrayList<>();
        List<Listing> csv = ScoredCsv.wamatek();
        for (int i = 0; i < csv.size(); i++) {
            rows.add(csv.get(i).toBuilder().seenAt(FIRST_SCRAPE.plusSeconds(i)).build());
        }
        return rows;
    }

    /** Returns identity {@code k}. */
    static Key identity(int k) {
        return identities().get(k);
    }

    private static List<Listing> buildSecond() {
        List<Key> keys = identities();
        Map<Key, Integer> number = new LinkedHashMap<>();
        for (int k = 0; k < keys.size(); k++) {
            number.put(keys.get(k), k);
        }
        Map<Key, Integer> lastRow = new LinkedHashMap<>();
        List<Listing> csv = ScoredCsv.wamatek();
        for (int i = 0; i < csv.size(); i++) {
            lastRow.put(Key.of(csv.get(i)), i);
        }
        List<Listing> rows = new ArrayList<>();
        Map<Key, Boolean> seen = new LinkedHashMap<>();
        for (int i = 0; i < csv.size(); i++) {
            Listing l = csv.get(i);
            Key key = Key.of(l);
            int k = number.get(key);
            boolean firstRow = seen.put(key, true) == null;
            Listing.Builder b = l.toBuilder();
            if (k % 10 == 3 || k == 11 && !firstRow) {
                continue;
            }
            if (k % 10 == 5) {
                b.price(l.price().multiply(new BigDecimal("1.07")).setScale(2, RoundingMode.HALF_UP));
            } else if (k % 10 == 7) {
                b.score(l.score() + 0.01);
            } else if (k == 1 && firstRow) {
                b.price(l.price().add(new BigDecimal("100")));
            } else if (k == 9 && i == lastRow.get(key)) {
                b.price(BigDecimal.ONE);
            } else if (k == 21) {
                b.canonicalModel(l.canonicalModel().toLowerCase(Locale.ROOT));
            }
            rows.add(b.build());
        }
        for (int k = 0; k < 300; k += 10) {
            Listing l = firstRowOf(keys.get(k));
            Listing added = l.toBuilder().sourceUrl(l.sourceUrl() + "?variant=2")
                    .price(l.price().multiply(new BigDecimal("0.9")).setScale(2, RoundingMode.HALF_UP)).build();
            rows.add(added);
            if (k % 20 == 0) {
                rows.add(added);
            }
        }
        for (int j = 0; j < 3; j++) {
            rows.add(Listing.builder().canonicalModel("RTX_4090").price(new BigDecimal(1999 + j)).score(0.5)
                    .region("USA").condition("New").title("no source url " + j).build());
        }
        List<Listing> seenRows = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            seenRows.add(rows.get(i).toBuilder().seenAt(SECOND_SCRAPE.plusSeconds(i)).build());
        }
        return seenRows;
    }

    private static Listing firstRowOf(Key key) {
        return ScoredCsv.wamatek().stream().filter(l -> Key.of(l).equals(key)).findFirst().orElseThrow();
    }
}
