package io.glyphd.store;

import static io.glyphd.store.TestListings.listing;
import static io.glyphd.store.WamatekImports.FIRST;
import static io.glyphd.store.WamatekImports.SECOND;
import static io.glyphd.store.WamatekImports.SECOND_SCRAPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.glyphd.store.WamatekImports.Key;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How every {@link ListingStore} answers {@link ListingStore#history}, {@link ListingStore#diff} and
 * {@link ListingStore#modelStats}; each backend's tests extend this class as well as {@link ListingStoreContract}.
 *
 * <p>Most tests import two scrapes built from the real {@code wamatek_scored.csv} ({@link WamatekImports}) and
 * compare the store's answers with a plain Java computation over the same rows.
 */
public abstract class ListingAnalyticsContract {
    /** Order of diff entries: source URL, then model ignoring case. */
    private static final Comparator<Key> DIFF_ORDER = Comparator.comparing(Key::sourceUrl)
            .thenComparing(Key::model, String.CASE_INSENSITIVE_ORDER);

    @TempDir
    protected Path dir;
    protected ListingStore store;

    /** Opens a store on fresh, empty storage under {@code dir}. */
    protected abstract ListingStore openStore(Path dir);

    @BeforeEach
    void openStore() {
        store = openStore(dir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Imports both scrapes and returns every stored row, with provenance, in storage order. */
    private List<Listing> importBoth() {
        List<Listing> first = WamatekImports.first();
        List<Listing> second = WamatekImports.second();
        store.insertListings(first, new ImportRequest(FIRST, "wamatek_scored.csv", "first scrape"));
        store.insertListings(second, new ImportRequest(SECOND, "wamatek_scored.csv", "second scrape"));
        List<Listing> stored = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            stored.add(first.get(i).withProvenance(FIRST, i + 1));
        }
        for (int i = 0; i < second.size(); i++) {
            stored.add(second.get(i).withProvenance(SECOND, i + 1));
        }
        return stored;
    }

    // ---- The independent computation: straightforward Java over the fixture rows. ----

    /** How one import sees a listing: its first row, and how many rows it has. */
    private record Point(Listing first, int rows) {
    }

    private static Map<Key, Point> points(List<Listing> rows) {
        Map<Key, Point> points = new LinkedHashMap<>();
        for (Listing l : rows) {
            if (l.sourceUrl() != null && !l.sourceUrl().isEmpty()) {
                points.merge(Key.of(l), new Point(l, 1), (a, b) -> new Point(a.first(), a.rows() + 1));
            }
        }
        return points;
    }

    private static ImportDiff expectedDiff(String from, List<Listing> fromRows, String to, List<Listing> toRows) {
        Map<Key, Point> before = points(fromRows);
        Map<Key, Point> after = points(toRows);
        Map<Key, Boolean> all = new TreeMap<>(DIFF_ORDER);
        before.keySet().forEach(k -> all.put(k, true));
        after.keySet().forEach(k -> all.put(k, true));
        List<ImportDiff.Entry> added = new ArrayList<>();
        List<ImportDiff.Entry> removed = new ArrayList<>();
        List<ImportDiff.Change> changed = new ArrayList<>();
        long unchanged = 0;
        for (Key key : all.keySet()) {
            Point b = before.get(key);
            Point a = after.get(key);
            if (b == null) {
                added.add(entry(a));
            } else if (a == null) {
                removed.add(entry(b));
            } else if (b.first().price().compareTo(a.first().price()) != 0 || b.first().score() != a.first().score()) {
                changed.add(new ImportDiff.Change(key.sourceUrl(), a.first().canonicalModel(), b.first().price(),
                        a.first().price(), b.first().score(), a.first().score(), b.rows(), a.rows()));
            } else {
                unchanged++;
            }
        }
        return new ImportDiff(from, to, added.size(), removed.size(), changed.size(), unchanged, added, removed,
                changed);
    }

    private static ImportDiff.Entry entry(Point p) {
        return new ImportDiff.Entry(p.first().sourceUrl(), p.first().canonicalModel(), p.first().price(),
                p.first().score(), p.rows());
    }

    /** Per-model statistics of the rows (in storage order) that {@code filter} keeps. */
    private static List<ModelStats> expectedStats(List<Listing> stored, Predicate<Listing> filter) {
        Map<String, List<Listing>> byModel = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        stored.stream().filter(filter)
                .forEach(l -> byModel.computeIfAbsent(l.canonicalModel(), m -> new ArrayList<>()).add(l));
        List<ModelStats> stats = new ArrayList<>();
        byModel.forEach((ignored, rows) -> {
            List<BigDecimal> prices = rows.stream().map(Listing::price).sorted().collect(Collectors.toList());
            int n = prices.size();
            BigDecimal median = n % 2 == 1 ? prices.get(n / 2)
                    : prices.get(n / 2 - 1).add(prices.get(n / 2)).divide(BigDecimal.valueOf(2));
            BigDecimal sum = prices.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            Listing best = rows.get(0);
            double scoreSum = 0;
            for (Listing l : rows) {
                scoreSum += l.score();
                if (l.score() >= best.score()) {
                    best = l;
                }
            }
            String name = rows.stream().map(Listing::canonicalModel).min(Comparator.naturalOrder()).orElseThrow();
            stats.add(new ModelStats(name, n, prices.get(0), median, prices.get(n - 1),
                    sum.divide(BigDecimal.valueOf(n), 6, RoundingMode.HALF_EVEN), scoreSum / n, best));
        });
        return stats;
    }

    private static void assertStats(List<ModelStats> actual, List<ModelStats> expected) {
        assertThat(actual).extracting(ModelStats::canonicalModel)
                .containsExactlyElementsOf(expected.stream().map(ModelStats::canonicalModel).toList());
        for (int i = 0; i < expected.size(); i++) {
            ModelStats a = actual.get(i);
            ModelStats e = expected.get(i);
            String model = e.canonicalModel();
            assertThat(a.listingCount()).as("listingCount of %s", model).isEqualTo(e.listingCount());
            assertThat(a.minPrice()).as("minPrice of %s", model).isEqualByComparingTo(e.minPrice());
            assertThat(a.medianPrice()).as("medianPrice of %s", model).isEqualByComparingTo(e.medianPrice());
            assertThat(a.maxPrice()).as("maxPrice of %s", model).isEqualByComparingTo(e.maxPrice());
            assertThat(a.averagePrice()).as("averagePrice of %s", model).isEqualByComparingTo(e.averagePrice());
            assertThat(a.averageScore()).as("averageScore of %s", model).isCloseTo(e.averageScore(), within(1e-12));
            assertThat(a.bestListing()).as("bestListing of %s", model).isEqualTo(e.bestListing());
        }
    }

    // ---- history ----

    @Test
    void historyHasOnePointPerImportHoldingTheListingOldestFirst() {
        List<Listing> stored = importBoth();
        Map<Key, Point> before = points(WamatekImports.first());
        Map<Key, Point> after = points(WamatekImports.second());
        Map<Key, Boolean> keys = new LinkedHashMap<>();
        before.keySet().forEach(k -> keys.put(k, true));
        after.keySet().forEach(k -> keys.put(k, true));
        ImportMetadata first = store.findImport(FIRST).orElseThrow();
        ImportMetadata second = store.findImport(SECOND).orElseThrow();
        assertThat(first.importedAt()).isBefore(second.importedAt());

        for (Key key : keys.keySet()) {
            List<PricePoint> expected = new ArrayList<>();
            if (before.containsKey(key)) {
                expected.add(point(first, before.get(key)));
            }
            if (after.containsKey(key)) {
                expected.add(point(second, after.get(key)));
            }
            assertThat(store.history(key.sourceUrl(), key.model())).as("history of %s", key)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(keys).hasSize(570 + 30);
        assertThat(stored).isNotEmpty();
    }

    private static PricePoint point(ImportMetadata importMetadata, Point p) {
        return new PricePoint(importMetadata.importId(), importMetadata.importedAt(), p.first().seenAt(),
                p.first().price(), p.first().score(), p.rows());
    }

    @Test
    void aHistoryPointIsTheImportsFirstRowAndCountsItsDuplicates() {
        importBoth();
        List<Listing> csv = ScoredCsv.wamatek();
        Key repricedFirstRow = WamatekImports.identity(1);
        Key cheaperLastRow = WamatekImports.identity(9);
        Key fewerDuplicates = WamatekImports.identity(11);
        long rowsOf1 = csv.stream().filter(l -> Key.of(l).equals(repricedFirstRow)).count();
        BigDecimal price1 = csv.stream().filter(l -> Key.of(l).equals(repricedFirstRow)).findFirst().orElseThrow()
                .price();
        BigDecimal price9 = csv.stream().filter(l -> Key.of(l).equals(cheaperLastRow)).findFirst().orElseThrow()
                .price();

        assertThat(store.history(repricedFirstRow.sourceUrl(), repricedFirstRow.model()))
                .extracting(PricePoint::rowCount).containsExactly((int) rowsOf1, (int) rowsOf1);
        assertThat(store.history(repricedFirstRow.sourceUrl(), repricedFirstRow.model()))
                .extracting(PricePoint::price).containsExactly(price1, price1.add(new BigDecimal("100")));
        assertThat(store.history(cheaperLastRow.sourceUrl(), cheaperLastRow.model()))
                .extracting(PricePoint::price).containsExactly(price9, price9);
        assertThat(store.history(fewerDuplicates.sourceUrl(), fewerDuplicates.model()))
                .extracting(PricePoint::rowCount).last().isEqualTo(1);
        assertThat(store.history(repricedFirstRow.sourceUrl(), " " + repricedFirstRow.model() + " "))
                .as("the model is stripped, as Listing stores it").hasSize(2);
    }

    @Test
    void historyMatchesTheModelIgnoringCaseAndTheUrlExactly() {
        importBoth();
        Key respelled = WamatekImports.identity(21);

        assertThat(store.history(respelled.sourceUrl(), respelled.model().toLowerCase(Locale.ROOT)))
                .extracting(PricePoint::importId).containsExactly(FIRST, SECOND);
        assertThat(store.history(respelled.sourceUrl(), respelled.model()))
                .extracting(PricePoint::importId).containsExactly(FIRST, SECOND);
        assertThat(store.history(respelled.sourceUrl().toUpperCase(Locale.ROOT), respelled.model())).isEmpty();
    }

    @Test
    void aRemovedListingEndsItsHistoryAndAnAddedOneStartsIt() {
        importBoth();
        Key removed = WamatekImports.identity(3);
        Key base = WamatekImports.identity(20);

        assertThat(store.history(removed.sourceUrl(), removed.model())).extracting(PricePoint::importId)
                .containsExactly(FIRST);
        assertThat(store.history(base.sourceUrl() + "?variant=2", base.model())).singleElement()
                .satisfies(p -> {
                    assertThat(p.importId()).isEqualTo(SECOND);
                    assertThat(p.rowCount()).isEqualTo(2);
                    assertThat(p.seenAt()).isAfterOrEqualTo(SECOND_SCRAPE);
                });
    }

    @Test
    void unknownListingsHaveNoHistoryAndAListingNeedsAUrlAndModel() {
        importBoth();

        assertThat(store.history("https://wamatek.com/products/none", "RTX_4090")).isEmpty();
        assertThatThrownBy(() -> store.history("", "RTX_4090")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sourceUrl");
        assertThatThrownBy(() -> store.history("https://x", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("canonicalModel");
        assertThatThrownBy(() -> store.history(null, "RTX_4090")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aReimportedImportMovesToTheEndOfAHistory() {
        Listing a = listing("RTX_4090", "1599.99", 0.5).toBuilder().sourceUrl("https://shop/4090").build();
        store.insertListings(List.of(a), "monday");
        store.insertListings(List.of(a.toBuilder().price("1499.99").build()), "tuesday");
        store.insertListings(List.of(a.toBuilder().price("1399.99").build()), "monday");

        assertThat(store.history("https://shop/4090", "RTX_4090"))
                .extracting(PricePoint::importId, p -> p.price().toPlainString())
                .containsExactly(tuple("tuesday", "1499.99"), tuple("monday", "1399.99"));
    }

    // ---- diff ----

    @Test
    void aDiffMatchesAnIndependentComputationOnTheRealData() {
        importBoth();

        ImportDiff diff = store.diff(FIRST, SECOND);

        assertThat(diff).isEqualTo(expectedDiff(FIRST, WamatekImports.first(), SECOND, WamatekImports.second()));
        assertThat(diff.isComplete()).isTrue();
        // As WamatekImports defines the second scrape over 570 identities: 57 removed (k % 10 == 3), 30 added,
        // 57 re-priced + 57 re-scored + identity 1 changed; the rest, including identities 9, 11 and 21, unchanged.
        assertThat(diff.removedCount()).isEqualTo(57);
        assertThat(diff.addedCount()).isEqualTo(30);
        assertThat(diff.changedCount()).isEqualTo(115);
        assertThat(diff.unchangedCount()).isEqualTo(570 - 57 - 115);
    }

    @Test
    void aDiffBackwardsSwapsAddedAndRemoved() {
        importBoth();

        ImportDiff diff = store.diff(SECOND, FIRST);

        assertThat(diff).isEqualTo(expectedDiff(SECOND, WamatekImports.second(), FIRST, WamatekImports.first()));
        assertThat(diff.addedCount()).isEqualTo(57);
        assertThat(diff.removedCount()).isEqualTo(30);
    }

    @Test
    void theFirstRowStandsForAListingInADiff() {
        importBoth();

        ImportDiff diff = store.diff(FIRST, SECOND);

        List<String> changedUrls = diff.changed().stream().map(ImportDiff.Change::sourceUrl).toList();
        assertThat(changedUrls).contains(WamatekImports.identity(1).sourceUrl())
                .doesNotContain(WamatekImports.identity(9).sourceUrl(), WamatekImports.identity(11).sourceUrl(),
                        WamatekImports.identity(21).sourceUrl());
        assertThat(diff.added()).extracting(ImportDiff.Entry::sourceUrl)
                .doesNotContain(WamatekImports.identity(21).sourceUrl());
    }

    @Test
    void changedEntriesCarryPriceAndScoreDeltas() {
        importBoth();
        List<String> repriced = new ArrayList<>();
        List<String> rescored = new ArrayList<>();
        for (int k = 5; k < 570; k += 10) {
            repriced.add(WamatekImports.identity(k).sourceUrl());
            rescored.add(WamatekImports.identity(k + 2).sourceUrl());
        }

        ImportDiff diff = store.diff(FIRST, SECOND);

        assertThat(diff.changed()).filteredOn(c -> repriced.contains(c.sourceUrl())).hasSize(57).allSatisfy(c -> {
            assertThat(c.priceChange()).isEqualByComparingTo(c.toPrice().subtract(c.fromPrice())).isPositive();
            // +7% rounded to the cent, on prices of at least 5.99 USD
            assertThat(c.priceChangePercent()).get().satisfies(p -> assertThat(p)
                    .isBetween(new BigDecimal("6.90"), new BigDecimal("7.10")));
            assertThat(c.scoreChange()).isZero();
        });
        assertThat(diff.changed()).filteredOn(c -> rescored.contains(c.sourceUrl())).hasSize(57).allSatisfy(c -> {
            assertThat(c.priceChange()).isZero();
            assertThat(c.scoreChange()).isCloseTo(0.01, within(1e-9));
        });
    }

    @Test
    void aLimitCapsEachListButNotTheCounts() {
        importBoth();
        ImportDiff all = store.diff(FIRST, SECOND);

        ImportDiff firstFive = store.diff(FIRST, SECOND, 5);
        ImportDiff countsOnly = store.diff(FIRST, SECOND, 0);

        assertThat(firstFive.added()).containsExactlyElementsOf(all.added().subList(0, 5));
        assertThat(firstFive.removed()).containsExactlyElementsOf(all.removed().subList(0, 5));
        assertThat(firstFive.changed()).containsExactlyElementsOf(all.changed().subList(0, 5));
        assertThat(firstFive.isComplete()).isFalse();
        for (ImportDiff d : List.of(firstFive, countsOnly)) {
            assertThat(d.addedCount()).isEqualTo(all.addedCount());
            assertThat(d.removedCount()).isEqualTo(all.removedCount());
            assertThat(d.changedCount()).isEqualTo(all.changedCount());
            assertThat(d.unchangedCount()).isEqualTo(all.unchangedCount());
        }
        assertThat(countsOnly.added()).isEmpty();
        assertThat(countsOnly.removed()).isEmpty();
        assertThat(countsOnly.changed()).isEmpty();
        assertThatThrownBy(() -> store.diff(FIRST, SECOND, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit").hasMessageContaining("-1");
    }

    @Test
    void anImportDiffedWithItselfIsUnchanged() {
        importBoth();

        ImportDiff diff = store.diff(SECOND, SECOND);

        assertThat(diff.unchangedCount()).isEqualTo(points(WamatekImports.second()).size());
        assertThat(diff.addedCount() + diff.removedCount() + diff.changedCount()).isZero();
        assertThat(diff.isComplete()).isTrue();
    }

    @Test
    void listingsWithoutAUrlTakeNoPartInADiff() {
        store.insertListings(List.of(listing("RTX_4090", "1", 0.5)), "a");
        store.insertListings(List.of(listing("RTX_4090", "2", 0.5), listing("RTX_4090", "3", 0.5)
                .toBuilder().sourceUrl("").build()), "b");

        ImportDiff diff = store.diff("a", "b");

        assertThat(diff.addedCount() + diff.removedCount() + diff.changedCount() + diff.unchangedCount()).isZero();
    }

    @Test
    void aDiffStripsImportIdsAsImportsDo() {
        store.insertListings(TestListings.sample(2), "monday");

        ImportDiff diff = store.diff(" monday ", "monday\t");

        assertThat(diff.fromImportId()).isEqualTo("monday");
        assertThat(diff.toImportId()).isEqualTo("monday");
        assertThat(diff.unchangedCount()).isEqualTo(2);
    }

    @Test
    void aDiffNamesAnUnknownImport() {
        store.insertListings(TestListings.sample(2), "known");

        assertThatThrownBy(() -> store.diff("known", "missing"))
                .isInstanceOfSatisfying(UnknownImportException.class,
                        e -> assertThat(e.importId()).isEqualTo("missing"))
                .hasMessageContaining("no import missing");
        assertThatThrownBy(() -> store.diff("gone", "known"))
                .isInstanceOfSatisfying(UnknownImportException.class, e -> assertThat(e.importId()).isEqualTo("gone"));
        assertThatThrownBy(() -> store.diff("gone", "missing", 10)).isInstanceOf(UnknownImportException.class)
                .hasMessageContaining("gone").hasMessageContaining("missing");
    }

    // ---- modelStats ----

    @Test
    void statsOfOneImportMatchAnIndependentComputation() {
        List<Listing> stored = importBoth();
        List<ModelStats> expected = expectedStats(stored, l -> l.importId().equals(FIRST));
        // The real data exercises both median rules: odd counts, and even counts whose two middle prices differ.
        Map<String, List<BigDecimal>> prices = stored.stream().filter(l -> l.importId().equals(FIRST))
                .collect(Collectors.groupingBy(Listing::canonicalModel,
                        Collectors.mapping(Listing::price, Collectors.toList())));
        assertThat(prices.values()).anySatisfy(p -> assertThat(p.size() % 2).isEqualTo(1));
        assertThat(prices.values()).anySatisfy(p -> {
            List<BigDecimal> sorted = p.stream().sorted().toList();
            assertThat(sorted.size() % 2).isZero();
            assertThat(sorted.get(sorted.size() / 2 - 1)).isNotEqualByComparingTo(sorted.get(sorted.size() / 2));
        });

        List<ModelStats> actual = store.modelStats(ListingQuery.builder().importId(FIRST).build());

        assertStats(actual, expected);
    }

    @Test
    void statsOfAnImportAreTheSameWhetherItHoldsMostOfTheStoreOrLittle() {
        // A backend may read an import that holds much of the store differently from a small one (SQLite: from a
        // fifth of the rows on); FIRST holds about half of importBoth's rows, then under a tenth.
        List<Listing> stored = new ArrayList<>(importBoth());
        List<ModelStats> expected = expectedStats(stored, l -> l.importId().equals(FIRST));
        assertStats(store.modelStats(ListingQuery.builder().importId(FIRST).build()), expected);
        List<Listing> bulk = new ArrayList<>();
        for (int copy = 0; copy < 10; copy++) {
            bulk.addAll(WamatekImports.second());
        }
        store.insertListings(bulk, new ImportRequest("bulk", "bulk.csv", null));
        for (int i = 0; i < bulk.size(); i++) {
            stored.add(bulk.get(i).withProvenance("bulk", i + 1));
        }

        assertStats(store.modelStats(ListingQuery.builder().importId(FIRST).build()), expected);
        assertStats(store.modelStats(ListingQuery.builder().importId("bulk").build()),
                expectedStats(stored, l -> l.importId().equals("bulk")));
        assertStats(store.modelStats(ListingQuery.builder().importId(FIRST).minScore(0.2).build()),
                expectedStats(stored, l -> l.importId().equals(FIRST) && l.score() >= 0.2));
    }

    @Test
    void statsOverSeveralImportsCountEveryRow() {
        List<Listing> stored = importBoth();

        List<ModelStats> actual = store.modelStats(ListingQuery.all());

        assertStats(actual, expectedStats(stored, l -> true));
        assertThat(actual.stream().mapToLong(ModelStats::listingCount).sum()).isEqualTo(stored.size());
    }

    @Test
    void statsHonourEveryFilter() {
        List<Listing> stored = importBoth();
        ListingQuery filter = ListingQuery.builder().region("usa").condition("NEW").minScore(0.1).maxScore(0.6)
                .minPrice(new BigDecimal("50")).maxPrice(new BigDecimal("2500"))
                .seenAfter(SECOND_SCRAPE.plusSeconds(100)).seenBefore(SECOND_SCRAPE.plusSeconds(6000)).build();
        Predicate<Listing> same = l -> "USA".equalsIgnoreCase(l.region()) && "new".equalsIgnoreCase(l.condition())
                && l.score() >= 0.1 && l.score() <= 0.6
                && l.price().compareTo(new BigDecimal("50")) >= 0 && l.price().compareTo(new BigDecimal("2500")) <= 0
                && !l.seenAt().isBefore(SECOND_SCRAPE.plusSeconds(100))
                && l.seenAt().isBefore(SECOND_SCRAPE.plusSeconds(6000));

        List<ModelStats> actual = store.modelStats(filter);

        assertThat(actual).isNotEmpty();
        assertStats(actual, expectedStats(stored, same));
        assertStats(store.modelStats(ListingQuery.builder().model("rtx_4060").importId(SECOND).build()),
                expectedStats(stored, l -> l.canonicalModel().equalsIgnoreCase("RTX_4060")
                        && l.importId().equals(SECOND)));
    }

    @Test
    void statsAgreeWithCountListingsAndScoreOrder() {
        importBoth();
        ListingQuery filter = ListingQuery.builder().importId(SECOND).minScore(0.2).build();

        for (ModelStats s : store.modelStats(filter)) {
            ListingQuery model = filter.toBuilder().model(s.canonicalModel()).build();
            assertThat(s.listingCount()).isEqualTo(store.countListings(model));
            assertThat(store.queryListings(model.toBuilder().orderBy(ListingQuery.Order.SCORE_DESC).limit(1).build()))
                    .containsExactly(s.bestListing());
            assertThat(s.bestScore()).isEqualTo(s.bestListing().score());
        }
    }

    @Test
    void medianAndAverageFollowTheDocumentedRules() {
        store.insertListings(List.of(
                listing("EVEN", "1", 0.1), listing("EVEN", "10", 0.2), listing("EVEN", "2", 0.3),
                listing("EVEN", "4", 0.4),
                listing("ODD", "100", 0.1), listing("ODD", "1", 0.1), listing("ODD", "2", 0.1),
                listing("ONE", "595.99", 0.9),
                listing("HALF_MICRO", "0.000001", 0.5), listing("HALF_MICRO", "0.000002", 0.5),
                listing("HALF_EVEN_DOWN", "0.000002", 0.5), listing("HALF_EVEN_DOWN", "0.000003", 0.5),
                listing("THIRDS", "0.000001", 0.5), listing("THIRDS", "0.000001", 0.5),
                listing("THIRDS", "0.000002", 0.5)), "small");

        Map<String, ModelStats> stats = store.modelStats(ListingQuery.all()).stream()
                .collect(Collectors.toMap(ModelStats::canonicalModel, s -> s));

        assertThat(stats.keySet()).containsExactlyInAnyOrder("EVEN", "ODD", "ONE", "HALF_MICRO", "HALF_EVEN_DOWN",
                "THIRDS");
        assertThat(stats.get("EVEN").medianPrice()).isEqualByComparingTo("3");
        assertThat(stats.get("EVEN").averagePrice()).isEqualByComparingTo("4.25");
        assertThat(stats.get("EVEN").averageScore()).isCloseTo(0.25, within(1e-12));
        assertThat(stats.get("EVEN").bestListing().price()).isEqualByComparingTo("4");
        assertThat(stats.get("ODD").medianPrice()).isEqualByComparingTo("2");
        assertThat(stats.get("ODD").minPrice()).isEqualByComparingTo("1");
        assertThat(stats.get("ODD").maxPrice()).isEqualByComparingTo("100");
        assertThat(stats.get("ODD").averagePrice()).isEqualByComparingTo("34.333333");
        assertThat(stats.get("ODD").bestListing().importIndex()).as("ties go to the row stored last").isEqualTo(7);
        assertThat(stats.get("ONE")).satisfies(s -> {
            assertThat(s.listingCount()).isEqualTo(1);
            assertThat(s.medianPrice()).isEqualByComparingTo("595.99");
            assertThat(s.averagePrice()).isEqualByComparingTo("595.99");
        });
        assertThat(stats.get("HALF_MICRO").medianPrice()).isEqualByComparingTo("0.0000015");
        assertThat(stats.get("HALF_MICRO").averagePrice()).as("1.5 micros, half-even")
                .isEqualByComparingTo("0.000002");
        assertThat(stats.get("HALF_EVEN_DOWN").averagePrice()).as("2.5 micros, half-even")
                .isEqualByComparingTo("0.000002");
        assertThat(stats.get("THIRDS").medianPrice()).isEqualByComparingTo("0.000001");
        assertThat(stats.get("THIRDS").averagePrice()).isEqualByComparingTo("0.000001");
    }

    @Test
    void modelsThatDifferOnlyInCaseAreOneModel() {
        store.insertListings(List.of(listing("rtx_4090", "1500", 0.4), listing("RTX_4090", "1700", 0.3),
                listing("Rtx_4090", "1600", 0.2)), "b");

        assertThat(store.modelStats(ListingQuery.all())).singleElement().satisfies(s -> {
            assertThat(s.canonicalModel()).isEqualTo("RTX_4090");
            assertThat(s.listingCount()).isEqualTo(3);
            assertThat(s.medianPrice()).isEqualByComparingTo("1600");
            assertThat(s.bestListing().canonicalModel()).isEqualTo("rtx_4090");
        });
    }

    @Test
    void statsOfPricesWhoseSumOverflows64BitsOfMicroDollarsAreExact() {
        // Ten listings at the largest price sum to 10^19 micro-dollars, past what a 64-bit integer holds.
        List<Listing> huge = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            huge.add(listing("HUGE", Listing.MAX_PRICE.toPlainString(), 0.1 * i));
        }
        huge.add(listing("HUGE", "0.000001", 0.95));
        huge.add(listing("SMALL", "2.5", 0.5));
        store.insertListings(huge, "huge");
        BigDecimal average = Listing.MAX_PRICE.multiply(BigDecimal.TEN).add(new BigDecimal("0.000001"))
                .divide(BigDecimal.valueOf(11), Listing.MAX_PRICE_SCALE, RoundingMode.HALF_EVEN);

        for (ListingQuery filter : List.of(ListingQuery.all(), ListingQuery.builder().importId("huge").build(),
                ListingQuery.builder().minScore(0.0).build())) {
            List<ModelStats> stats = store.modelStats(filter);

            assertThat(stats).extracting(ModelStats::canonicalModel).as("%s", filter).containsExactly("HUGE", "SMALL");
            assertThat(stats.get(0).listingCount()).isEqualTo(11);
            assertThat(stats.get(0).averagePrice()).as("%s", filter).isEqualByComparingTo(average);
            assertThat(stats.get(0).minPrice()).isEqualByComparingTo("0.000001");
            assertThat(stats.get(0).maxPrice()).isEqualByComparingTo(Listing.MAX_PRICE);
            assertThat(stats.get(0).bestListing().score()).isEqualTo(0.95);
            assertThat(stats.get(1).averagePrice()).isEqualByComparingTo("2.5");
        }
    }

    @Test
    void statsOfNothingAreEmpty() {
        assertThat(store.modelStats(ListingQuery.all())).isEmpty();
        store.insertListings(TestListings.sample(4), "b");
        assertThat(store.modelStats(ListingQuery.builder().importId("none").build())).isEmpty();
        assertThat(store.modelStats(ListingQuery.builder().minScore(2.0).build())).isEmpty();
    }

    // ---- One row per offer and the current market, on the real data ----

    /** The first row of each offer (source URL and model ignoring case; no URL: on its own), with its row count. */
    private static List<Listing> offers(List<Listing> rows) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        rows.forEach(l -> counts.merge(offerKey(l), 1, Integer::sum));
        Map<String, Boolean> seen = new LinkedHashMap<>();
        List<Listing> offers = new ArrayList<>();
        for (Listing l : rows) {
            String key = offerKey(l);
            boolean alone = l.sourceUrl() == null || l.sourceUrl().isEmpty();
            if (alone || seen.put(key, true) == null) {
                offers.add(l.toBuilder().offerRows(alone ? 1 : counts.get(key)).build());
            }
        }
        return offers;
    }

    private static String offerKey(Listing l) {
        return l.importId() + "\n" + l.sourceUrl() + "\n" + l.canonicalModel().toUpperCase(Locale.ROOT);
    }

    @Test
    void theRealFileHolds570OffersThatStandForAllItsRows() {
        List<Listing> csv = WamatekImports.first();
        store.insertListings(csv, new ImportRequest(FIRST, "wamatek_scored.csv", null));
        List<Listing> stored = new ArrayList<>();
        for (int i = 0; i < csv.size(); i++) {
            stored.add(csv.get(i).withProvenance(FIRST, i + 1));
        }
        ListingQuery offers = ListingQuery.builder().distinctOffers().limit(ListingQuery.MAX_LIMIT).build();

        List<Listing> read;
        try (var listings = store.streamListings(offers.toBuilder().limit(100).build())) {
            read = listings.toList();
        }

        assertThat(csv).hasSize(10_530);
        assertThat(store.countListings(offers)).isEqualTo(570);
        assertThat(read).containsExactlyElementsOf(offers(stored)).hasSize(570);
        assertThat(read.stream().mapToInt(Listing::offerRows).sum()).isEqualTo(10_530);
        assertThat(read).extracting(l -> new Key(l.sourceUrl(), l.canonicalModel().toUpperCase(Locale.ROOT)))
                .containsExactlyElementsOf(WamatekImports.identities());
        for (Listing offer : read.subList(0, 570).stream().filter(l -> l.importIndex() % 7 == 0).toList()) {
            assertThat(store.history(offer.sourceUrl(), offer.canonicalModel())).singleElement().satisfies(p -> {
                assertThat(p.rowCount()).as("history of %s", offer).isEqualTo(offer.offerRows());
                assertThat(p.price()).isEqualByComparingTo(offer.price());
            });
        }
    }

    @Test
    void offersKeepTheirCountsAndOrderInEveryOrderAndPage() {
        List<Listing> stored = importBoth();
        List<Listing> offers = offers(stored);
        for (ListingQuery.Order order : ListingQuery.Order.values()) {
            ListingQuery query = ListingQuery.builder().distinctOffers().orderBy(order).limit(ListingQuery.MAX_LIMIT)
                    .build();
            List<Listing> full = store.queryListings(query);

            assertThat(full).as("%s", order).containsExactlyInAnyOrderElementsOf(offers);
            List<Listing> paged = new ArrayList<>();
            String token = null;
            do {
                ListingPage page = store.queryPage(query.toBuilder().limit(97).build(), token);
                paged.addAll(page.listings());
                token = page.nextPageToken().orElse(null);
            } while (token != null);
            assertThat(paged).as("pages in %s", order).containsExactlyElementsOf(full);
        }
        assertThat(offers).hasSize(570 + (570 - 57 + 30 + 3));
    }

    @Test
    void theCurrentMarketOfTwoScrapesOfOneSourceIsTheSecond() {
        List<Listing> stored = importBoth();
        List<Listing> second = stored.stream().filter(l -> l.importId().equals(SECOND)).toList();
        ListingQuery current = ListingQuery.builder().current().limit(ListingQuery.MAX_LIMIT).build();

        assertThat(store.countListings(current)).isEqualTo(second.size());
        assertThat(store.queryListings(current.toBuilder().model("RTX_4070").build()))
                .containsExactlyElementsOf(second.stream().filter(l -> l.canonicalModel().equals("RTX_4070"))
                        .toList()).isNotEmpty();
        assertStats(store.modelStats(current), expectedStats(stored, l -> l.importId().equals(SECOND)));
    }

    @Test
    void statsOfTheCurrentMarketCountOffersAndHonourTheMarketFilters() {
        List<Listing> stored = importBoth();
        List<Listing> currentOffers = offers(stored).stream().filter(l -> l.importId().equals(SECOND)).toList();
        ListingQuery dashboard = ListingQuery.builder().current().distinctOffers().build();

        List<ModelStats> stats = store.modelStats(dashboard);

        assertStats(stats, expectedStats(currentOffers, l -> true));
        assertThat(stats.stream().mapToLong(ModelStats::listingCount).sum()).isEqualTo(570 - 57 + 30 + 3);
        assertThat(stats).allSatisfy(s -> assertThat(s.bestListing().offerRows()).isPositive());
        Predicate<Listing> inStock = l -> "Available".equals(l.availability());
        Predicate<Listing> specs = inStock.and(l -> l.vramGb() != null && l.vramGb() >= 12 && l.vramGb() <= 48
                && Boolean.FALSE.equals(l.nvlink()) && "Ada".equals(l.generation())
                && "Dual-slot".equals(l.formFactor()) && l.matchScore() != null && l.matchScore() >= 0.85);
        Predicate<Listing> unavailable = l -> Set.of("RTX_4060", "RTX_4070").contains(l.canonicalModel())
                && l.migSupport() != null && "Unavailable".equals(l.availability());
        assertThat(expectedStats(currentOffers, specs)).hasSizeBetween(2, expectedStats(currentOffers, inStock).size()
                - 1);
        assertThat(expectedStats(stored, unavailable)).hasSize(2);

        assertStats(store.modelStats(dashboard.toBuilder().inStock().build()),
                expectedStats(currentOffers, inStock));
        assertStats(store.modelStats(dashboard.toBuilder().inStock().minVramGb(12).maxVramGb(48).nvlink(false)
                .generation("ada").formFactor("DUAL-SLOT").seller("wamatek").sourceType("SHOPIFY_WAMATEK")
                .minMatchScore(0.85).build()), expectedStats(currentOffers, specs));
        assertStats(store.modelStats(ListingQuery.builder().models("rtx_4060", "RTX_4070").minMigSupport(0)
                .availability("unavailable").build()), expectedStats(stored, unavailable));
    }

    @Test
    void aClosedStoreRejectsAnalytics() {
        store.insertListings(TestListings.sample(2), "b");
        store.close();

        assertThatThrownBy(() -> store.history("https://example.com/listing/0", "RTX_4090"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.diff("b", "b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.modelStats(ListingQuery.all())).isInstanceOf(IllegalStateException.class);
    }
}
