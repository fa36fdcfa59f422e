package io.glyphd.store;

import static io.glyphd.store.TestListings.T0;
import static io.glyphd.store.TestListings.listing;
import static io.glyphd.store.TestListings.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingFormatException;
import io.glyphd.store.io.ListingReader;
import io.glyphd.store.io.ReadAhead;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour every {@link ListingStore} must show; each backend's test extends this class. */
public abstract class ListingStoreContract {
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

    /**
     * Sets an import's {@code imported_at} behind the store's back, as another writer's clock might have, so that
     * tests can make two imports exactly as new.
     */
    protected abstract void setImportedAt(String importId, Instant importedAt);

    private List<Listing> all() {
        return store.queryListings(ListingQuery.builder().limit(ListingQuery.MAX_LIMIT).build());
    }

    private static Listing withoutProvenance(Listing l) {
        return l.withProvenance(null, null);
    }

    @Test
    void aListingReadsBackEqualWithEveryComponent() {
        Listing full = TestListings.full();

        store.insertListings(List.of(full), "batch-1");

        assertThat(all()).containsExactly(full.withProvenance("batch-1", 1));
    }

    @Test
    void pricesReadBackExactly() {
        store.insertListings(List.of(listing("A", "595.99", 0.5), listing("B", "0.000001", 0.5),
                listing("C", "999999999999.999999", 0.5), listing("D", "10000.0", 0.5)), "prices");

        assertThat(all()).extracting(l -> l.price().toPlainString())
                .containsExactly("595.99", "0.000001", "999999999999.999999", "10000");
    }

    @Test
    void insertNumbersListingsInInputOrderAndReturnsTheCount() {
        List<Listing> listings = sample(5);

        int stored = store.insertListings(listings, "batch-1");

        assertThat(stored).isEqualTo(5);
        List<Listing> read = all();
        assertThat(read).extracting(Listing::importIndex).containsExactly(1, 2, 3, 4, 5);
        assertThat(read).extracting(Listing::importId).containsOnly("batch-1");
        assertThat(read).extracting(ListingStoreContract::withoutProvenance).containsExactlyElementsOf(listings);
    }

    @Test
    void theStoreSetsProvenanceWhateverTheListingCarried() {
        Listing foreign = listing("A", "1", 0.5).withProvenance("elsewhere", 42);

        store.insertListings(List.of(foreign), "mine");

        assertThat(all()).singleElement().satisfies(l -> {
            assertThat(l.importId()).isEqualTo("mine");
            assertThat(l.importIndex()).isEqualTo(1);
        });
    }

    @Test
    void reimportingAnImportIdReplacesItsRows() {
        store.insertListings(sample(3), "batch-1");
        store.insertListings(sample(2), "batch-2");

        ImportResult again = store.insertListings(sample(3), ImportRequest.of("batch-1"));

        assertThat(again.rowsReplaced()).isEqualTo(3);
        assertThat(again.recordCount()).isEqualTo(3);
        assertThat(store.queryListings(ListingQuery.builder().importId("batch-1").build()))
                .extracting(Listing::importIndex).containsExactly(1, 2, 3);
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(5);
        assertThat(store.listImports()).hasSize(2);
        assertThat(store.findImport("batch-1")).get().extracting(ImportMetadata::recordCount).isEqualTo(3L);
    }

    @Test
    void reimportingWithFewerRowsLeavesOnlyTheNewRows() {
        store.insertListings(sample(4), new ImportRequest("batch-1", "old.csv", "first"));

        ImportResult result = store.insertListings(List.of(listing("X", "5", 0.1)),
                new ImportRequest("batch-1", "new.csv", "second"));

        assertThat(result.rowsReplaced()).isEqualTo(4);
        assertThat(all()).extracting(Listing::canonicalModel).containsExactly("X");
        assertThat(store.findImport("batch-1")).get().satisfies(i -> {
            assertThat(i.source()).isEqualTo("new.csv");
            assertThat(i.description()).isEqualTo("second");
            assertThat(i.recordCount()).isEqualTo(1);
        });
    }

    @Test
    void aNewImportReportsNothingReplaced() {
        ImportResult result = store.insertListings(sample(2), new ImportRequest("b", "s.csv", "d"));

        assertThat(result.importId()).isEqualTo("b");
        assertThat(result.recordCount()).isEqualTo(2);
        assertThat(result.rowsReplaced()).isZero();
        assertThat(result.duration()).isPositive();
    }

    @Test
    void aBatchWithANullListingWritesNothingAndNamesTheRow() {
        store.insertListings(sample(2), "batch-1");
        List<Listing> bad = new ArrayList<>(sample(5));
        bad.set(3, null);

        assertThatThrownBy(() -> store.insertListings(bad, "batch-1"))
                .isInstanceOfSatisfying(InvalidListingException.class, e -> assertThat(e.rowIndex()).isEqualTo(4))
                .hasMessageContaining("import batch-1").hasMessageContaining("row 4");

        assertThat(all()).hasSize(2).extracting(Listing::importIndex).containsExactly(1, 2);
        assertThat(store.findImport("batch-1")).get().extracting(ImportMetadata::recordCount).isEqualTo(2L);
    }

    @Test
    void aFailingNewImportLeavesNoTrace() {
        List<Listing> bad = new ArrayList<>(sample(3));
        bad.add(null);

        assertThatThrownBy(() -> store.insertListings(bad, "broken")).isInstanceOf(InvalidListingException.class);

        assertThat(store.listImports()).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isZero();
    }

    @Test
    void aReaderFailingMidStreamRollsBackAndNamesTheRow() {
        Iterator<Listing> failing = new Iterator<>() {
            private int next = 1;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Listing next() {
                if (next == 1500) {
                    throw new IllegalArgumentException("price is not a number: 'abc'");
                }
                return listing("M" + next++, "1", 0.5);
            }
        };

        assertThatThrownBy(() -> store.importListings(failing, ImportRequest.of("stream")))
                .isInstanceOfSatisfying(InvalidListingException.class, e -> assertThat(e.rowIndex()).isEqualTo(1500))
                .hasMessageContaining("row 1500").hasMessageContaining("price is not a number")
                .hasCauseInstanceOf(IllegalArgumentException.class);

        assertThat(store.listImports()).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isZero();
    }

    @Test
    void aReaderFailingInHasNextNamesTheRowItWasReading() {
        Iterator<Listing> readsAhead = new Iterator<>() {
            private int served;

            @Override
            public boolean hasNext() {
                if (served == 2) {
                    throw new IllegalArgumentException("cannot parse record 3");
                }
                return true;
            }

            @Override
            public Listing next() {
                served++;
                return listing("M", "1", 0.5);
            }
        };

        assertThatThrownBy(() -> store.importListings(readsAhead, ImportRequest.of("ahead")))
                .isInstanceOfSatisfying(InvalidListingException.class, e -> assertThat(e.rowIndex()).isEqualTo(3))
                .hasMessageContaining("row 3: cannot parse record 3");
        assertThat(store.listImports()).isEmpty();
    }

    @Test
    void aStoreExceptionFromTheReaderIsRethrownAsItIs() {
        StoreException fromReader = new StoreException("bad file");
        Iterator<Listing> failing = Stream.of(1, 2).map(i -> {
            if (i == 2) {
                throw fromReader;
            }
            return listing("A", "1", 0.5);
        }).iterator();

        assertThatThrownBy(() -> store.importListings(failing, ImportRequest.of("x"))).isSameAs(fromReader);
        assertThat(store.listImports()).isEmpty();
    }

    @Test
    void aReadAheadReaderFailingMidwayChangesNothing() {
        store.insertListings(sample(3), "kept");
        StringBuilder csv = new StringBuilder("canonical_model,price,score\n");
        for (int i = 1; i <= 5000; i++) {
            csv.append("M").append(i).append(',').append(i == 3500 ? "abc" : "1.5").append(",0.5\n");
        }
        try (ListingReader reader = ListingReader.open(new StringReader(csv.toString()), ListingFormat.CSV, "f.csv");
                ReadAhead<Listing> listings = new ReadAhead<>(reader)) {
            assertThatThrownBy(() -> store.importListings(listings, ImportRequest.of("kept")))
                    .isInstanceOf(ListingFormatException.class).hasMessageContaining("line 3501");
        }

        assertThat(store.listImports()).extracting(ImportMetadata::importId).containsExactly("kept");
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(3);
    }

    @Test
    void aReadAheadSourceFailingMidStreamNamesTheSameRow() {
        Iterator<Listing> failing = IntStream.rangeClosed(1, 2000).mapToObj(i -> {
            if (i == 1500) {
                throw new IllegalArgumentException("price is not a number: 'abc'");
            }
            return listing("M" + i, "1", 0.5);
        }).iterator();

        try (ReadAhead<Listing> listings = new ReadAhead<>(failing)) {
            assertThatThrownBy(() -> store.importListings(listings, ImportRequest.of("stream")))
                    .isInstanceOfSatisfying(InvalidListingException.class,
                            e -> assertThat(e.rowIndex()).isEqualTo(1500))
                    .hasMessageContaining("row 1500").hasMessageContaining("price is not a number");
        }
        assertThat(store.listImports()).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isZero();
    }

    @Test
    void anEmptyImportIsRejected() {
        assertThatThrownBy(() -> store.insertListings(List.of(), "empty"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 listings");
        assertThatThrownBy(() -> store.importListings(Stream.empty(), ImportRequest.of("empty")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 listings");
        assertThat(store.listImports()).isEmpty();
    }

    @Test
    void aStreamImportsInOneGo() {
        ImportResult result = store.importListings(IntStream.rangeClosed(1, 2500)
                .mapToObj(i -> listing("M" + (i % 7), String.valueOf(i), i / 2500.0)), ImportRequest.of("s"));

        assertThat(result.recordCount()).isEqualTo(2500);
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(2500);
        assertThat(store.queryListings(ListingQuery.builder().offset(2499).build()))
                .singleElement().extracting(Listing::importIndex).isEqualTo(2500);
    }

    @Test
    void queryByModelIgnoresCase() {
        store.insertListings(sample(8), "b");

        List<Listing> found = store.queryListings(ListingQuery.builder().model("rtx_4090").build());

        assertThat(found).hasSize(2).extracting(Listing::canonicalModel).containsOnly("RTX_4090");
        assertThat(store.countListings(ListingQuery.builder().model("Rtx_4090").build())).isEqualTo(2);
    }

    @Test
    void queryByScoreRangeIsInclusive() {
        store.insertListings(List.of(listing("A", "1", 0.2), listing("B", "1", 0.5), listing("C", "1", 0.7),
                listing("D", "1", 0.9)), "b");

        List<Listing> found = store.queryListings(ListingQuery.builder().minScore(0.5).maxScore(0.7).build());

        assertThat(found).extracting(Listing::canonicalModel).containsExactly("B", "C");
    }

    @Test
    void queryByPriceRangeIsInclusiveAndExact() {
        store.insertListings(List.of(listing("A", "595.98", 0.1), listing("B", "595.99", 0.1),
                listing("C", "1000", 0.1), listing("D", "1000.000001", 0.1)), "b");

        List<Listing> found = store.queryListings(ListingQuery.builder().minPrice(new BigDecimal("595.99"))
                .maxPrice(new BigDecimal("1000.00")).build());

        assertThat(found).extracting(Listing::canonicalModel).containsExactly("B", "C");
    }

    @Test
    void queryByRegionConditionAndImport() {
        store.insertListings(sample(6), "first");
        store.insertListings(sample(3), "second");

        assertThat(store.queryListings(ListingQuery.builder().region("usa").build()))
                .hasSize(3).allSatisfy(l -> assertThat(l.region()).isEqualTo("USA"));
        assertThat(store.queryListings(ListingQuery.builder().condition("USED").importId("first").build()))
                .hasSize(3).allSatisfy(l -> {
                    assertThat(l.condition()).isEqualTo("Used");
                    assertThat(l.importId()).isEqualTo("first");
                });
        assertThat(store.countListings(ListingQuery.builder().importId("second").build())).isEqualTo(3);
        assertThat(store.countListings(ListingQuery.builder().importId("none").build())).isZero();
    }

    @Test
    void queryBySeenAtIsHalfOpen() {
        store.insertListings(sample(5), "b");

        List<Listing> found = store.queryListings(ListingQuery.builder().seenAfter(T0.plusSeconds(3600))
                .seenBefore(T0.plusSeconds(3 * 3600)).build());

        assertThat(found).extracting(Listing::importIndex).containsExactly(2, 3);
    }

    @Test
    void filtersCombineWithAnd() {
        store.insertListings(sample(24), "b");
        ListingQuery query = ListingQuery.builder().model("H100_PCIE_80GB").region("USA").minScore(0.3).build();

        List<Listing> expected = sample(24).stream().filter(l -> l.canonicalModel().equals("H100_PCIE_80GB")
                && l.region().equals("USA") && l.score() >= 0.3).collect(Collectors.toList());

        assertThat(store.queryListings(query)).extracting(ListingStoreContract::withoutProvenance)
                .containsExactlyElementsOf(expected).isNotEmpty();
        assertThat(store.countListings(query)).isEqualTo(expected.size());
    }

    @ParameterizedTest
    @EnumSource(ListingQuery.Order.class)
    void eachOrderSortsAsDocumented(ListingQuery.Order order) {
        List<Listing> listings = new ArrayList<>(sample(12));
        listings.add(listing("NO_SEEN_AT", "1", 0.5));
        listings.add(listing("SAME_SCORE", "2500.99", listings.get(0).score()));
        store.insertListings(listings, "b");

        List<Listing> sorted = store.queryListings(ListingQuery.builder().orderBy(order).build());

        Comparator<Listing> byIndex = Comparator.comparing(Listing::importIndex);
        Comparator<Listing> expected = switch (order) {
            case SCORE_DESC -> Comparator.comparingDouble(Listing::score).reversed().thenComparing(byIndex.reversed());
            case PRICE_ASC -> Comparator.comparing(Listing::price).thenComparing(byIndex);
            case PRICE_DESC -> Comparator.comparing(Listing::price).reversed().thenComparing(byIndex.reversed());
            case SEEN_AT_DESC -> Comparator.comparing(Listing::seenAt,
                    Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed()
                    .thenComparing(byIndex.reversed());
            case IMPORT_ORDER -> byIndex;
        };
        assertThat(sorted).hasSize(14).isSortedAccordingTo(expected);
    }

    @Test
    void importOrderListsImportsInCreationOrder() {
        store.insertListings(sample(2), "zeta");
        store.insertListings(sample(2), "alpha");

        assertThat(store.queryListings(ListingQuery.all())).extracting(Listing::importId)
                .containsExactly("zeta", "zeta", "alpha", "alpha");
    }

    @Test
    void limitAndOffsetPage() {
        store.insertListings(sample(10), "b");

        List<Listing> page = store.queryListings(ListingQuery.builder().limit(3).offset(4).build());

        assertThat(page).extracting(Listing::importIndex).containsExactly(5, 6, 7);
        assertThat(store.queryListings(ListingQuery.builder().offset(10).build())).isEmpty();
    }

    /** Listings with many ties in every sort key, some without seenAt, over two imports. */
    private List<Listing> storeTies() {
        List<Listing> first = new ArrayList<>();
        List<Listing> second = new ArrayList<>();
        double[] scores = {0.5, 0.7, 0.9};
        String[] prices = {"100", "200.5"};
        Instant[] seen = {T0, T0.plusSeconds(3600), null};
        for (int i = 0; i < 41; i++) {
            Listing l = Listing.builder().canonicalModel(i % 4 == 0 ? "RTX_4090" : "A100").price(prices[i % 2])
                    .score(scores[i % 3]).seenAt(seen[i % 3 == 0 ? 2 : i % 2]).region(i % 5 == 0 ? "EU" : "USA")
                    .title("tie " + i).build();
            (i % 3 == 1 ? second : first).add(l);
        }
        store.insertListings(first, "ties-1");
        store.insertListings(second, "ties-2");
        return store.queryListings(ListingQuery.builder().limit(ListingQuery.MAX_LIMIT).build());
    }

    private List<Listing> readAllPages(ListingQuery query) {
        List<Listing> read = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ListingPage page = store.queryPage(query, token);
            assertThat(page.listings()).hasSizeLessThanOrEqualTo(query.limit());
            if (page.hasNext()) {
                assertThat(page.listings()).hasSize(query.limit());
            }
            read.addAll(page.listings());
            token = page.nextPageToken().orElse(null);
            assertThat(++pages).as("pages read").isLessThan(1_000);
        } while (token != null);
        return read;
    }

    @ParameterizedTest
    @EnumSource(ListingQuery.Order.class)
    void readingEveryPageGivesTheFullOrderedResultTiesAndNullsIncluded(ListingQuery.Order order) {
        assertThat(storeTies()).hasSize(41);

        for (int pageSize : new int[] {1, 2, 7, 41, 100}) {
            ListingQuery query = ListingQuery.builder().orderBy(order).limit(pageSize).build();
            List<Listing> full = store.queryListings(query.toBuilder().limit(ListingQuery.MAX_LIMIT).build());

            assertThat(readAllPages(query)).as("page size %d", pageSize).containsExactlyElementsOf(full).hasSize(41);
        }
    }

    @ParameterizedTest
    @EnumSource(ListingQuery.Order.class)
    void pagesOfAFilteredQueryMatchTheFilteredResult(ListingQuery.Order order) {
        storeTies();
        List<ListingQuery> queries = List.of(
                ListingQuery.builder().model("a100").orderBy(order).limit(3).build(),
                ListingQuery.builder().importId("ties-2").orderBy(order).limit(4).build(),
                ListingQuery.builder().region("USA").seenAfter(T0).orderBy(order).limit(2).build(),
                ListingQuery.builder().minScore(0.6).maxPrice(new BigDecimal("150")).orderBy(order).limit(5).build());

        for (ListingQuery query : queries) {
            List<Listing> full = store.queryListings(query.toBuilder().limit(ListingQuery.MAX_LIMIT).build());
            assertThat(full).as("%s", query).isNotEmpty();
            assertThat(readAllPages(query)).as("%s", query).containsExactlyElementsOf(full);
        }
    }

    // ---- Market filters, the current market and one row per offer ----

    private static final String[] MARKET_MODELS = {"RTX_4090", "rtx_4090", "H100_PCIE_80GB", "A100"};
    private static final Set<String> CURRENT_IMPORTS = Set.of("b-1", "a-2", "loose");

    /** Row {@code i} of market import {@code k}: every spec and offer field varies, with ties and duplicates. */
    private static Listing marketRow(int k, int i) {
        Integer[] vram = {null, 8, 24, 48, 80};
        Integer[] mig = {null, 0, 4, 7};
        Boolean[] nvlink = {null, true, false};
        String[] generation = {"Ada", "ADA", "Hopper", null};
        String[] formFactor = {"Dual-slot", "SFF", null};
        String[] seller = {"Wamatek", "wamatek", "Other", null};
        String[] availability = {"Available", "AVAILABLE", "Unavailable", null, null, null, "In stock"};
        Integer[] quantity = {null, 0, 5, 1, 0, null, 2};
        Double[] matchScore = {null, 0.0, 0.5, 0.9};
        // Offers (url, model ignoring case) repeat within an import: rows i and i + 12 are one offer, and so are
        // rows 1 and 4 (rtx_4090 and RTX_4090 at the same url). Rows with i % 7 == 5 have an empty url, i % 7 == 6
        // none: each stands alone.
        String url = i % 7 == 6 ? null : i % 7 == 5 ? "" : "https://shop/" + (i % 3);
        return Listing.builder().canonicalModel(MARKET_MODELS[i % 4]).price(String.valueOf(100 + (i % 5) * 100 + k))
                .score(new double[] {0.5, 0.7, 0.9}[i % 3]).vramGb(vram[i % 5]).migSupport(mig[(i / 2) % 4])
                .nvlink(nvlink[(i + k) % 3]).generation(generation[(i / 3) % 4]).formFactor(formFactor[(i + 1) % 3])
                .seller(seller[(i / 4) % 4]).sourceType(i % 2 == 0 ? "Shopify_Wamatek" : null)
                .availability(availability[i % 7]).quantity(quantity[i % 7]).sourceUrl(url)
                .matchScore(matchScore[(i / 2) % 4]).region(i % 2 == 0 ? "USA" : "EU").condition("New")
                .seenAt(i % 8 == 7 ? null : T0.plusSeconds(3600L * (i + k))).title("market " + k + "/" + i).build();
    }

    /**
     * Imports two sources' scrapes (shop-a twice, shop-b once) and one import without a source, 26 rows each, and
     * returns every stored row in storage order. The current market is b-1, a-2 and loose.
     */
    private List<Listing> storeMarket() {
        String[][] imports = {{"a-1", "shop-a"}, {"b-1", "shop-b"}, {"a-2", "shop-a"}, {"loose", null}};
        for (int k = 0; k < imports.length; k++) {
            List<Listing> rows = new ArrayList<>();
            for (int i = 0; i < 26; i++) {
                rows.add(marketRow(k, i));
            }
            store.insertListings(rows, new ImportRequest(imports[k][0], imports[k][1], null));
        }
        return readAll(ListingQuery.builder().limit(ListingQuery.MAX_LIMIT).build());
    }

    private List<Listing> readAll(ListingQuery query) {
        try (Stream<Listing> listings = store.streamListings(query)) {
            return listings.collect(Collectors.toList());
        }
    }

    /** A listing's offer identity within its import; null for a listing that stands alone. */
    private static String offerKey(Listing l) {
        return l.sourceUrl() == null || l.sourceUrl().isEmpty() ? null
                : l.importId() + "\n" + l.sourceUrl() + "\n" + l.canonicalModel().toUpperCase(Locale.ROOT);
    }

    /** The first row of each offer, with how many rows it stands for, in storage order. */
    private static List<Listing> offers(List<Listing> stored) {
        Map<String, Integer> rows = new HashMap<>();
        stored.forEach(l -> rows.merge(String.valueOf(offerKey(l)), 1, Integer::sum));
        Map<String, Boolean> seen = new HashMap<>();
        List<Listing> offers = new ArrayList<>();
        for (Listing l : stored) {
            String key = offerKey(l);
            if (key == null) {
                offers.add(l.toBuilder().offerRows(1).build());
            } else if (seen.put(key, true) == null) {
                offers.add(l.toBuilder().offerRows(rows.get(key)).build());
            }
        }
        return offers;
    }

    private static boolean inStock(Listing l) {
        return "available".equalsIgnoreCase(l.availability())
                || l.availability() == null && l.quantity() != null && l.quantity() >= 1;
    }

    private static boolean atLeast(Number value, double min) {
        return value != null && value.doubleValue() >= min;
    }

    /**
     * One filter (or several) of the market: how to ask the store for it, and the definition it must match, as plain
     * Java over the stored rows.
     */
    private record MarketFilter(String name, UnaryOperator<ListingQuery.Builder> query, Predicate<Listing> keeps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<MarketFilter> marketFilters() {
        Predicate<Listing> cheap = l -> l.price().compareTo(new BigDecimal("300")) <= 0;
        return List.of(
                new MarketFilter("models", b -> b.models("rtx_4090", "A100"),
                        l -> Set.of("RTX_4090", "A100").contains(l.canonicalModel().toUpperCase(Locale.ROOT))),
                new MarketFilter("models spelled twice", b -> b.models("A100", "rtx_4090", "a100", "RTX_4090"),
                        l -> Set.of("RTX_4090", "A100").contains(l.canonicalModel().toUpperCase(Locale.ROOT))),
                new MarketFilter("one of models", b -> b.models("h100_pcie_80gb"),
                        l -> l.canonicalModel().equals("H100_PCIE_80GB")),
                new MarketFilter("minVramGb", b -> b.minVramGb(24), l -> atLeast(l.vramGb(), 24)),
                new MarketFilter("maxVramGb", b -> b.maxVramGb(24), l -> l.vramGb() != null && l.vramGb() <= 24),
                new MarketFilter("VRAM range", b -> b.minVramGb(8).maxVramGb(48),
                        l -> atLeast(l.vramGb(), 8) && l.vramGb() <= 48),
                new MarketFilter("minMigSupport", b -> b.minMigSupport(4), l -> atLeast(l.migSupport(), 4)),
                new MarketFilter("nvlink", b -> b.nvlink(true), l -> Boolean.TRUE.equals(l.nvlink())),
                new MarketFilter("no nvlink", b -> b.nvlink(false), l -> Boolean.FALSE.equals(l.nvlink())),
                new MarketFilter("generation", b -> b.generation("ada"), l -> "ADA".equalsIgnoreCase(l.generation())),
                new MarketFilter("formFactor", b -> b.formFactor("dual-SLOT"),
                        l -> "Dual-slot".equals(l.formFactor())),
                new MarketFilter("seller", b -> b.seller("WAMATEK"), l -> "wamatek".equalsIgnoreCase(l.seller())),
                new MarketFilter("sourceType", b -> b.sourceType("shopify_wamatek"),
                        l -> "Shopify_Wamatek".equals(l.sourceType())),
                new MarketFilter("availability", b -> b.availability("unavailable"),
                        l -> "Unavailable".equals(l.availability())),
                new MarketFilter("inStock", ListingQuery.Builder::inStock, ListingStoreContract::inStock),
                new MarketFilter("sourceUrl", b -> b.sourceUrl("https://shop/1"),
                        l -> "https://shop/1".equals(l.sourceUrl())),
                new MarketFilter("minMatchScore", b -> b.minMatchScore(0.5), l -> atLeast(l.matchScore(), 0.5)),
                new MarketFilter("current", ListingQuery.Builder::current,
                        l -> CURRENT_IMPORTS.contains(l.importId())),
                new MarketFilter("distinctOffers", ListingQuery.Builder::distinctOffers, l -> true),
                new MarketFilter("models, VRAM and in stock",
                        b -> b.models("RTX_4090", "H100_PCIE_80GB").minVramGb(24).inStock(),
                        l -> !l.canonicalModel().equals("A100") && atLeast(l.vramGb(), 24) && inStock(l)),
                new MarketFilter("current offers in stock up to 300 USD",
                        b -> b.current().distinctOffers().inStock().maxPrice(new BigDecimal("300")),
                        l -> CURRENT_IMPORTS.contains(l.importId()) && inStock(l) && cheap.test(l)),
                new MarketFilter("nvlink, MIG, seller and score", b -> b.nvlink(true).minMigSupport(4)
                        .seller("wamatek").minScore(0.6), l -> Boolean.TRUE.equals(l.nvlink())
                        && atLeast(l.migSupport(), 4) && "wamatek".equalsIgnoreCase(l.seller()) && l.score() >= 0.6),
                new MarketFilter("generation, form factor, match score, region and time",
                        b -> b.generation("ADA").formFactor("SFF").minMatchScore(0.0).region("usa").seenAfter(T0),
                        l -> "ada".equalsIgnoreCase(l.generation()) && "SFF".equals(l.formFactor())
                                && atLeast(l.matchScore(), 0.0) && "USA".equals(l.region()) && l.seenAt() != null),
                new MarketFilter("one offer's rows", b -> b.sourceUrl("https://shop/2").distinctOffers(),
                        l -> "https://shop/2".equals(l.sourceUrl())),
                new MarketFilter("current offers of two models", b -> b.models("a100", "rtx_4090").current()
                        .distinctOffers().importId("a-2"), l -> !l.canonicalModel().startsWith("H100")
                        && l.importId().equals("a-2")));
    }

    /** The listings {@code order} puts first, ties broken by storage order as documented. */
    private static Comparator<Listing> storageOrder(ListingQuery.Order order, List<Listing> stored) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < stored.size(); i++) {
            position.put(stored.get(i).importId() + "#" + stored.get(i).importIndex(), i);
        }
        Comparator<Listing> stored1 = Comparator.comparing(l -> position.get(l.importId() + "#" + l.importIndex()));
        return switch (order) {
            case SCORE_DESC -> Comparator.comparingDouble(Listing::score).reversed()
                    .thenComparing(stored1.reversed());
            case PRICE_ASC -> Comparator.comparing(Listing::price).thenComparing(stored1);
            case PRICE_DESC -> Comparator.comparing(Listing::price).reversed().thenComparing(stored1.reversed());
            case SEEN_AT_DESC -> Comparator.comparing(Listing::seenAt,
                    Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed()
                    .thenComparing(stored1.reversed());
            case IMPORT_ORDER -> stored1;
        };
    }

    @ParameterizedTest
    @EnumSource(ListingQuery.Order.class)
    void eachMarketFilterAloneAndCombinedKeepsWhatItsDefinitionKeepsInEveryWay(ListingQuery.Order order) {
        List<Listing> stored = storeMarket();
        assertThat(stored).hasSize(4 * 26);

        for (MarketFilter filter : marketFilters()) {
            ListingQuery query = filter.query().apply(ListingQuery.builder()).orderBy(order)
                    .limit(ListingQuery.MAX_LIMIT).build();
            List<Listing> expected = (query.distinctOffers() ? offers(stored) : stored).stream()
                    .filter(filter.keeps()).sorted(storageOrder(order, stored)).collect(Collectors.toList());
            assertThat(expected).as("%s keeps something, not everything", filter).isNotEmpty()
                    .hasSizeLessThan(stored.size());

            assertThat(store.queryListings(query)).as("%s", filter).containsExactlyElementsOf(expected);
            assertThat(store.countListings(query)).as("count of %s", filter).isEqualTo(expected.size());
            assertThat(readAllPages(query.toBuilder().limit(4).build())).as("pages of %s", filter)
                    .containsExactlyElementsOf(expected);
            assertThat(readAll(query.toBuilder().limit(3).build())).as("stream of %s", filter)
                    .containsExactlyElementsOf(expected);
            if (order == ListingQuery.Order.SCORE_DESC) {
                assertStatsAgree(filter, store.modelStats(query), expected);
            }
        }
    }

    /** Per model: as many listings as the filter keeps, and the best is the first that SCORE_DESC lists. */
    private static void assertStatsAgree(MarketFilter filter, List<ModelStats> stats, List<Listing> byScore) {
        Map<String, List<Listing>> byModel = new LinkedHashMap<>();
        byScore.forEach(l -> byModel.computeIfAbsent(l.canonicalModel().toUpperCase(Locale.ROOT),
                m -> new ArrayList<>()).add(l));
        assertThat(stats).as("stats of %s", filter).hasSize(byModel.size()).allSatisfy(s -> {
            List<Listing> rows = byModel.get(s.canonicalModel().toUpperCase(Locale.ROOT));
            assertThat(s.listingCount()).as("stats of %s: %s", filter, s.canonicalModel()).isEqualTo(rows.size());
            assertThat(s.bestListing()).as("stats of %s: %s", filter, s.canonicalModel()).isEqualTo(rows.get(0));
        });
    }

    @Test
    void aTokenOfAQueryWithOtherMarketFiltersIsRejected() {
        storeMarket();
        ListingQuery base = ListingQuery.builder().orderBy(ListingQuery.Order.SCORE_DESC).limit(2).build();
        String baseToken = store.queryPage(base).nextPageToken().orElseThrow();

        for (MarketFilter filter : marketFilters()) {
            ListingQuery other = filter.query().apply(base.toBuilder()).build();
            assertThatThrownBy(() -> store.queryPage(other, baseToken)).as("%s", filter)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different query");
            String token = store.queryPage(other).nextPageToken().orElse(null);
            if (token != null) {
                assertThatThrownBy(() -> store.queryPage(base, token)).as("%s", filter)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different query");
                assertThat(store.queryPage(other, token).listings()).as("%s", filter).isNotEmpty();
            }
        }
        ListingQuery models = base.toBuilder().models("A100", "RTX_4090").build();
        String modelsToken = store.queryPage(models).nextPageToken().orElseThrow();
        assertThatThrownBy(() -> store.queryPage(base.toBuilder().models("RTX_4090", "A100").build(), modelsToken))
                .as("models in another order").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneRowPerOfferCountsEachOfferOnceAndSaysHowManyRowsItStandsFor() {
        List<Listing> rows = List.of(
                listing("RTX_4090", "1599", 0.5).toBuilder().sourceUrl("https://shop/4090").build(),
                listing("rtx_4090", "1499", 0.6).toBuilder().sourceUrl("https://shop/4090").build(),
                listing("RTX_4090", "1399", 0.7).toBuilder().sourceUrl("https://SHOP/4090").build(),
                listing("H100", "25000", 0.9).toBuilder().sourceUrl("https://shop/4090").build(),
                listing("RTX_4090", "999", 0.1),
                listing("RTX_4090", "998", 0.1),
                listing("RTX_4090", "997", 0.1).toBuilder().sourceUrl("").build(),
                listing("RTX_4090", "996", 0.1).toBuilder().sourceUrl("").build(),
                listing("RTX_4090", "1599", 0.5).toBuilder().sourceUrl("https://shop/4090").build());
        store.insertListings(rows, "monday");
        store.insertListings(rows.subList(1, 3), "tuesday");
        ListingQuery offers = ListingQuery.builder().distinctOffers().build();

        assertThat(store.queryListings(offers)).extracting(Listing::importId, Listing::importIndex,
                Listing::offerRows).containsExactly(tuple("monday", 1, 3), tuple("monday", 3, 1),
                tuple("monday", 4, 1), tuple("monday", 5, 1), tuple("monday", 6, 1), tuple("monday", 7, 1),
                tuple("monday", 8, 1), tuple("tuesday", 1, 1), tuple("tuesday", 2, 1));
        assertThat(store.countListings(offers)).isEqualTo(9);
        assertThat(store.queryListings(ListingQuery.all())).as("without the option, every row and no count")
                .hasSize(11).allSatisfy(l -> assertThat(l.offerRows()).isNull());
        assertThat(store.queryListings(offers.toBuilder().minScore(0.55).build()))
                .as("the first row stands for the offer: a better duplicate does not make it match")
                .extracting(Listing::importId, Listing::importIndex)
                .containsExactly(tuple("monday", 3), tuple("monday", 4), tuple("tuesday", 1), tuple("tuesday", 2));
        assertThat(store.modelStats(offers)).extracting(ModelStats::canonicalModel, ModelStats::listingCount)
                .containsExactly(tuple("H100", 1L), tuple("RTX_4090", 8L));
    }

    @Test
    void offerRowsAreNotStoredAndAListingReadAsAnOfferReimportsEqual() {
        Listing listing = TestListings.full();
        store.insertListings(List.of(listing, listing), "first");
        Listing offer = store.queryListings(ListingQuery.builder().distinctOffers().build()).get(0);
        assertThat(offer.offerRows()).isEqualTo(2);

        store.insertListings(List.of(offer), "again");

        assertThat(store.queryListings(ListingQuery.builder().importId("again").build()))
                .containsExactly(listing.withProvenance("again", 1));
    }

    @Test
    void theCurrentMarketIsTheNewestImportOfEachSource() {
        store.insertListings(sample(2), new ImportRequest("a-mon", "shop-a", null));
        store.insertListings(sample(3), new ImportRequest("b-mon", "shop-b", null));
        store.insertListings(sample(4), new ImportRequest("a-tue", "shop-a", null));
        store.insertListings(sample(1), new ImportRequest("x", null, "no source: a source of its own"));
        store.insertListings(sample(1), new ImportRequest("y", null, null));
        store.insertListings(sample(1), new ImportRequest("c", "Shop-A", "sources compare exactly"));
        ListingQuery current = ListingQuery.builder().current().build();

        assertThat(importsOf(current)).containsExactly("b-mon", "a-tue", "x", "y", "c");
        assertThat(store.countListings(current)).isEqualTo(3 + 4 + 1 + 1 + 1);

        store.insertListings(sample(5), new ImportRequest("a-mon", "shop-a", "a re-import is the newest"));
        assertThat(importsOf(current)).containsExactly("a-mon", "b-mon", "x", "y", "c");
        assertThat(store.countListings(current)).isEqualTo(5 + 3 + 1 + 1 + 1);

        store.insertListings(sample(1), new ImportRequest("b-mon", "shop-a", "moved to another source"));
        assertThat(importsOf(current)).containsExactly("b-mon", "x", "y", "c");

        store.deleteImport("b-mon");
        assertThat(importsOf(current)).containsExactly("a-mon", "x", "y", "c");
        assertThat(store.queryListings(current.toBuilder().importId("a-tue").build())).isEmpty();
    }

    private List<String> importsOf(ListingQuery query) {
        return readAll(query.toBuilder().limit(ListingQuery.MAX_LIMIT).build()).stream().map(Listing::importId)
                .distinct().toList();
    }

    @Test
    void amongImportsOfASourceAsNewAsEachOtherTheOneCreatedLastIsCurrent() {
        store.insertListings(sample(1), new ImportRequest("first", "shop", null));
        store.insertListings(sample(2), new ImportRequest("second", "shop", null));
        store.insertListings(sample(3), new ImportRequest("third", "shop", null));
        setImportedAt("first", T0);
        setImportedAt("second", T0);
        setImportedAt("third", T0.minusNanos(1000));
        ListingQuery current = ListingQuery.builder().current().build();

        assertThat(importsOf(current)).containsExactly("second");

        setImportedAt("first", T0.plusNanos(1000));
        assertThat(importsOf(current)).containsExactly("first");
    }

    // ---- Streaming ----

    @ParameterizedTest
    @EnumSource(ListingQuery.Order.class)
    void aStreamGivesEveryMatchInOrderTiesAndNullsIncluded(ListingQuery.Order order) {
        storeTies();

        for (int pageSize : new int[] {1, 7, 41, 1000}) {
            ListingQuery query = ListingQuery.builder().orderBy(order).limit(pageSize).build();
            List<Listing> full = store.queryListings(query.toBuilder().limit(ListingQuery.MAX_LIMIT).build());

            assertThat(readAll(query)).as("page size %d", pageSize).containsExactlyElementsOf(full).hasSize(41);
        }
        assertThat(readAll(ListingQuery.builder().orderBy(order).model("none").build())).isEmpty();
    }

    @Test
    void aStreamReadsTheStoreAsItWasWhenItsFirstPageWasRead() {
        store.insertListings(sample(6), "early");
        List<Listing> read = new ArrayList<>();

        try (Stream<Listing> listings = store.streamListings(ListingQuery.builder().limit(2).build())) {
            Iterator<Listing> it = listings.iterator();
            read.add(it.next());
            read.add(it.next());
            store.insertListings(sample(2), "late");
            store.deleteImport("early");
            store.insertListings(sample(3), "early");
            it.forEachRemaining(read::add);
        }

        assertThat(read).extracting(Listing::importId, Listing::importIndex).containsExactly(tuple("early", 1),
                tuple("early", 2), tuple("early", 3), tuple("early", 4), tuple("early", 5), tuple("early", 6));
        assertThat(readAll(ListingQuery.builder().limit(2).build())).extracting(Listing::importId)
                .containsExactly("late", "late", "early", "early", "early");
    }

    @Test
    void aPageWalkReadsEachPageInItsOwnSnapshot() {
        store.insertListings(sample(4), "walked");
        ListingQuery query = ListingQuery.builder().limit(2).build();
        ListingPage first = store.queryPage(query);

        store.insertListings(sample(3).stream().map(l -> l.toBuilder().title("new").build()).toList(), "walked");
        ListingPage second = store.queryPage(query, first.nextPageToken().orElseThrow());

        assertThat(first.listings()).extracting(Listing::title).containsExactly("listing 0", "listing 1");
        assertThat(second.listings()).extracting(Listing::title, Listing::importIndex)
                .containsExactly(tuple("new", 3));
    }

    /** Rows of one version of a big import, its version in the title, scores spread so it falls on every page. */
    private static Iterator<Listing> version(int version, int rows) {
        return IntStream.rangeClosed(1, rows).mapToObj(i -> Listing.builder().canonicalModel("M" + i % 7)
                .price(BigDecimal.valueOf(100 + i % 1_000)).score(i * 7_919L % 10_007 / 10_007.0)
                .title("v" + version).build()).iterator();
    }

    /** Waits until {@code committed} is past {@code seen}, failing if the writer failed or took too long. */
    private static void awaitCommitAfter(int seen, AtomicInteger committed, Future<?> writer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (committed.get() <= seen) {
            if (writer.isDone()) {
                writer.get();
                throw new AssertionError("the writer stopped");
            }
            assertThat(System.nanoTime()).as("a commit within 60 s").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /** Re-imports {@code importId} on another thread, version after version, until the executor is shut down. */
    private Future<?> reimportContinuously(ExecutorService executor, String importId, AtomicInteger committed,
            IntFunction<Iterator<Listing>> versions) {
        return executor.submit(() -> {
            for (int v = 1; !executor.isShutdown(); v++) {
                store.importListings(versions.apply(v), ImportRequest.of(importId));
                committed.set(v);
            }
            return null;
        });
    }

    @Test
    void everyExportHoldsOneWholeVersionOfAnImportOrNoneWhileItCommitsAndIsReimported() throws Exception {
        int rows = 50_000;
        int baseRows = ListingQuery.MAX_LIMIT + 2_000; // two pages even before the big import lands
        store.importListings(version(0, baseRows), ImportRequest.of("base"));
        ListingQuery export = ListingQuery.builder().orderBy(ListingQuery.Order.SCORE_DESC)
                .limit(ListingQuery.MAX_LIMIT).build();
        // The writer imports "big" (version 1), then re-imports it (version 2), each when told to. Exports 1 and 7 tell
        // it after reading their first page, and read the rest only once that version has committed.
        Semaphore go = new Semaphore(0);
        AtomicInteger committed = new AtomicInteger();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<?> writer = executor.submit(() -> {
            for (int v = 1; v <= 2; v++) {
                go.acquire();
                store.importListings(version(v, rows), ImportRequest.of("big"));
                committed.set(v);
            }
            return null;
        });
        List<Integer> versionsSeen = new ArrayList<>();
        try {
            for (int n = 1; n <= 12; n++) {
                Map<String, Integer> bigRows = new HashMap<>();
                BitSet bigIndexes = new BitSet();
                int base = 0;
                try (Stream<Listing> listings = store.streamListings(export)) {
                    Iterator<Listing> it = listings.iterator();
                    if (n == 1 || n == 7) {
                        int before = committed.get();
                        go.release();
                        awaitCommitAfter(before, committed, writer);
                    }
                    while (it.hasNext()) {
                        Listing l = it.next();
                        if (l.importId().equals("base")) {
                            base++;
                        } else {
                            bigRows.merge(l.title(), 1, Integer::sum);
                            bigIndexes.set(l.importIndex());
                        }
                    }
                }
                assertThat(base).as("export %d: the base import", n).isEqualTo(baseRows);
                if (bigRows.isEmpty()) {
                    versionsSeen.add(0);
                } else {
                    assertThat(bigRows).as("export %d: one version of the big import, whole", n).hasSize(1)
                            .containsValue(rows);
                    assertThat(bigIndexes.cardinality()).isEqualTo(rows);
                    versionsSeen.add(Integer.parseInt(bigRows.keySet().iterator().next().substring(1)));
                }
            }
            writer.get(60, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(versionsSeen).as("the version each export held").containsExactly(0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2);
    }

    @Test
    void eachPageReadsOneSnapshotHoweverManyStatementsItTakesWhileAnImportIsReimported() throws Exception {
        int fixedRows = 5_000;
        store.importListings(IntStream.range(0, fixedRows).mapToObj(i -> listing("FIXED", "1", 0.5)).iterator(),
                ImportRequest.of("fixed"));
        ListingQuery query = ListingQuery.builder().orderBy(ListingQuery.Order.PRICE_ASC).limit(1).build();
        // After the first fixed row, the page's first statement reads the rest of the price-1 rows (the other fixed
        // ones, then the re-imported import's, which have newer ids), its second one the rows priced above.
        String afterFirst = store.queryPage(query).nextPageToken().orElseThrow();
        ListingQuery page = query.toBuilder().limit(ListingQuery.MAX_LIMIT).build();
        AtomicInteger committed = new AtomicInteger();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Future<?> writer = reimportContinuously(executor, "flip", committed, v -> Stream.of("1", "1", "2", "2")
                .map(price -> listing("FLIP", price, 0.5).toBuilder().title("v" + v).build()).iterator());
        int pages = 0;
        try {
            awaitCommitAfter(0, committed, writer);
            int first = committed.get();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (pages < 400 && (System.nanoTime() < end || committed.get() < first + 20)) {
                List<Listing> listings = store.queryPage(page, afterFirst).listings();
                pages++;
                assertThat(listings).as("page %d", pages).hasSize(fixedRows - 1 + 4);
                assertThat(listings.stream().filter(l -> l.importId().equals("flip")).map(Listing::title).distinct())
                        .as("page %d: one version of the re-imported import", pages).hasSize(1);
            }
            assertThat(committed.get() - first).as("re-imports while the pages were read").isGreaterThan(10);
        } finally {
            executor.shutdown();
            writer.get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Returns true if some connection holds a read transaction open on the store. Called after a commit made since
     * that read began (SQLite shows an open read by a checkpoint it keeps from finishing).
     */
    protected abstract boolean aReadIsOpen();

    @Test
    void aStreamHoldsItsReadUntilItIsClosedReadToTheEndOrItsConsumerFails() {
        store.insertListings(sample(30), "b");
        ListingQuery query = ListingQuery.builder().limit(10).build();
        assertThat(aReadIsOpen()).as("before any stream").isFalse();

        try (Stream<Listing> listings = store.streamListings(query)) {
            Iterator<Listing> it = listings.iterator();
            for (int i = 0; i < 15; i++) {
                it.next();
            }
            store.insertListings(sample(1), "meanwhile-1");
            assertThat(aReadIsOpen()).as("while the stream is open").isTrue();
        }
        assertThat(aReadIsOpen()).as("after close").isFalse();

        Stream<Listing> unclosed = store.streamListings(query);
        assertThat(unclosed.iterator()).toIterable().hasSize(31);
        store.insertListings(sample(1), "meanwhile-2");
        assertThat(aReadIsOpen()).as("after the last page, not closed").isFalse();

        Stream<Listing> failing = store.streamListings(query);
        assertThatThrownBy(() -> failing.forEach(l -> {
            throw new IllegalArgumentException("consumer failed");
        })).hasMessage("consumer failed");
        store.insertListings(sample(1), "meanwhile-3");
        assertThat(aReadIsOpen()).as("after its consumer threw, not closed").isFalse();

        for (int i = 0; i < 50; i++) {
            store.streamListings(query).close();
        }
        store.insertListings(sample(1), "meanwhile-4");
        assertThat(aReadIsOpen()).as("after 50 streams closed at once").isFalse();
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(34);
    }

    @Test
    void aStreamReadsPagesOfAtMostStreamPageLimitWhateverTheQuerysLimit() {
        int rows = ListingQuery.STREAM_PAGE_LIMIT + 1;
        store.insertListings(sample(rows), "big");
        ListingQuery query = ListingQuery.builder().orderBy(ListingQuery.Order.SCORE_DESC)
                .limit(ListingQuery.MAX_LIMIT).build();
        List<Listing> expected = store.queryListings(query);
        List<Listing> read = new ArrayList<>();

        try (Stream<Listing> listings = store.streamListings(query)) {
            Iterator<Listing> it = listings.iterator();
            read.add(it.next());
            store.insertListings(sample(1), "meanwhile");
            // a first page of every row would have ended the snapshot at once
            assertThat(aReadIsOpen()).as("the last listing is on a second page, still to read").isTrue();
            it.forEachRemaining(read::add);
        }

        assertThat(read).hasSize(rows).containsExactlyElementsOf(expected);
    }

    /**
     * Opens a second store on a fresh database in {@code dir} that has one connection to lend (SQLite's
     * maxConnections(1); a caller's pool of one on PostgreSQL) and waits at most a second for it; the test closes it.
     */
    protected abstract ListingStore openStoreWithOneConnection(Path dir);

    @Test
    void aStreamClosedHalfwayOrWhoseConsumerFailedGivesItsOneConnectionBack() {
        try (ListingStore one = openStoreWithOneConnection(dir)) {
            one.insertListings(sample(25), "a");
            ListingQuery pages = ListingQuery.builder().limit(10).build();
            try (Stream<Listing> open = one.streamListings(pages)) {
                open.iterator().next();
                assertThatThrownBy(() -> one.countListings(ListingQuery.all()))
                        .as("control: an open stream holds the one connection").isInstanceOf(StoreException.class);
            }

            try (Stream<Listing> listings = one.streamListings(pages)) {
                assertThat(listings.limit(15)).hasSize(15);
            }
            assertThat(one.countListings(ListingQuery.all())).as("after a stream closed halfway").isEqualTo(25);

            Stream<Listing> failing = one.streamListings(pages);
            assertThatThrownBy(() -> failing.forEach(l -> {
                throw new IllegalArgumentException("consumer failed");
            })).hasMessage("consumer failed");
            assertThat(one.countListings(ListingQuery.all())).as("after its consumer threw").isEqualTo(25);

            assertThat(one.streamListings(pages).iterator()).toIterable().hasSize(25);
            one.insertListings(sample(1), "b");
            assertThat(one.countListings(ListingQuery.all())).as("after the last page, not closed").isEqualTo(26);
        }
    }

    @Test
    void closingTheStoreEndsAnOpenStreamAtOnceAndItsNextPageFails() {
        store.insertListings(sample(30), "b");
        Stream<Listing> open = store.streamListings(ListingQuery.builder().limit(10).build());
        Iterator<Listing> it = open.iterator();
        for (int i = 0; i < 15; i++) {
            it.next();
        }
        store.insertListings(sample(1), "meanwhile");
        assertThat(aReadIsOpen()).as("control: the stream's read is open").isTrue();

        long start = System.nanoTime();
        store.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close does not wait for an idle stream")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(aReadIsOpen()).as("after the store's close").isFalse();
        for (int i = 0; i < 5; i++) {
            assertThat(it.next().importIndex()).as("the page already read").isEqualTo(16 + i);
        }
        assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        open.close();
    }

    @Test
    void aClosedStreamReadsNoFurtherPageAndAStreamNeedsAnOpenStore() {
        store.insertListings(sample(6), "b");
        ListingQuery query = ListingQuery.builder().limit(2).build();
        Stream<Listing> closed = store.streamListings(query);
        Iterator<Listing> closedIt = closed.iterator();
        Stream<Listing> open = store.streamListings(query);
        Iterator<Listing> openIt = open.iterator();
        assertThat(closedIt.next().importIndex()).isEqualTo(1);
        openIt.next();
        openIt.next();

        closed.close();
        store.close();

        assertThat(closedIt.hasNext()).isFalse();
        assertThatThrownBy(openIt::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.streamListings(query)).isInstanceOf(IllegalStateException.class);
        open.close();
    }

    @Test
    void aStreamNeedsOffsetZero() {
        assertThatThrownBy(() -> store.streamListings(ListingQuery.builder().offset(1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
    }

    @Test
    void theFirstPageIsTheQueryAndALastFullPageHasNoToken() {
        store.insertListings(sample(6), "b");
        ListingQuery query = ListingQuery.builder().limit(3).build();

        ListingPage first = store.queryPage(query);
        ListingPage second = store.queryPage(query, first.nextPageToken().orElseThrow());

        assertThat(first.listings()).containsExactlyElementsOf(store.queryListings(query));
        assertThat(second.listings()).extracting(Listing::importIndex).containsExactly(4, 5, 6);
        assertThat(second.hasNext()).isFalse();
        assertThat(second.nextPageToken()).isEmpty();
    }

    @Test
    void aQueryMatchingNothingGivesOneEmptyPage() {
        store.insertListings(sample(3), "b");

        ListingPage page = store.queryPage(ListingQuery.builder().model("none").build());

        assertThat(page.listings()).isEmpty();
        assertThat(page.hasNext()).isFalse();
    }

    @Test
    void thePageSizeMayChangeBetweenPages() {
        store.insertListings(sample(10), "b");
        ListingQuery query = ListingQuery.builder().orderBy(ListingQuery.Order.PRICE_DESC).limit(4).build();

        ListingPage first = store.queryPage(query);
        ListingPage rest = store.queryPage(query.toBuilder().limit(100).build(), first.nextPageToken().orElseThrow());

        List<Listing> both = new ArrayList<>(first.listings());
        both.addAll(rest.listings());
        assertThat(both).containsExactlyElementsOf(store.queryListings(query.toBuilder().limit(100).build()));
    }

    @Test
    void aListingImportedBetweenPagesIsNeitherRepeatedNorShiftsThePages() {
        store.insertListings(sample(6), "b");
        ListingQuery query = ListingQuery.builder().orderBy(ListingQuery.Order.SCORE_DESC).limit(3).build();
        ListingPage first = store.queryPage(query);

        store.insertListings(List.of(listing("TOP", "1", 99.0)), "late");
        ListingPage second = store.queryPage(query, first.nextPageToken().orElseThrow());

        List<Listing> expected = store.queryListings(query.toBuilder().limit(100).build()).stream()
                .filter(l -> !l.canonicalModel().equals("TOP")).skip(3).collect(Collectors.toList());
        assertThat(second.listings()).containsExactlyElementsOf(expected);
    }

    @Test
    void aTokenOfAnotherQueryIsRejected() {
        store.insertListings(sample(6), "b");
        ListingQuery byScore = ListingQuery.builder().orderBy(ListingQuery.Order.SCORE_DESC).limit(2).build();
        String token = store.queryPage(byScore).nextPageToken().orElseThrow();

        assertThatThrownBy(() -> store.queryPage(byScore.toBuilder().model("RTX_4090").build(), token))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different query");
        assertThatThrownBy(() -> store.queryPage(byScore.toBuilder().orderBy(ListingQuery.Order.PRICE_ASC).build(),
                token)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different query");
        assertThat(store.queryPage(byScore.toBuilder().limit(5).build(), token).listings()).hasSize(4);
    }

    @Test
    void aMalformedTokenIsRejected() {
        store.insertListings(sample(3), "b");
        ListingQuery query = ListingQuery.all();
        String token = store.queryPage(query.toBuilder().limit(1).build()).nextPageToken().orElseThrow();

        for (String bad : List.of("", "not a token!", "bm9wZQ", token + "x",
                "x".repeat(10_000))) {
            assertThatThrownBy(() -> store.queryPage(query, bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageToken");
        }
    }

    @Test
    void aPagedQueryNeedsOffsetZero() {
        assertThatThrownBy(() -> store.queryPage(ListingQuery.builder().offset(5).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
    }

    @Test
    void anEmptyResultIsEmpty() {
        assertThat(store.queryListings(ListingQuery.all())).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isZero();
        assertThat(store.listImports()).isEmpty();
        assertThat(store.findImport("nope")).isEmpty();
        assertThat(store.deleteImport("nope")).isFalse();
    }

    @Test
    void filterValuesAreMatchedLiterally() {
        String hostile = "'; DROP TABLE listings; --";
        store.insertListings(List.of(listing(hostile, "1", 0.5), listing("RTX_4090", "1", 0.5),
                Listing.builder().canonicalModel("RTX%").price("1").score(0.5).region("U_A").build()), "b");

        assertThat(store.queryListings(ListingQuery.builder().model(hostile).build()))
                .singleElement().extracting(Listing::canonicalModel).isEqualTo(hostile);
        assertThat(store.queryListings(ListingQuery.builder().model("RTX%").build())).hasSize(1);
        assertThat(store.queryListings(ListingQuery.builder().region("USA").build())).isEmpty();
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(3);
    }

    @Test
    void listImportsIsNewestFirstWithCounts() {
        store.insertListings(sample(3), new ImportRequest("first", "a.csv", "the first"));
        store.insertListings(sample(1), "second");
        store.insertListings(sample(2), "third");

        List<ImportMetadata> imports = store.listImports();

        assertThat(imports).extracting(ImportMetadata::importId).containsExactly("third", "second", "first");
        assertThat(imports).extracting(ImportMetadata::recordCount).containsExactly(2L, 1L, 3L);
        assertThat(imports.get(2).source()).isEqualTo("a.csv");
        assertThat(imports.get(2).description()).isEqualTo("the first");
        assertThat(imports).extracting(ImportMetadata::importedAt).isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void findImportReturnsMetadata() {
        Instant before = Instant.now().minusSeconds(1);
        store.insertListings(sample(2), new ImportRequest("2025-07-29-batch1", "wamatek.csv", null));

        assertThat(store.findImport("2025-07-29-batch1")).get().satisfies(i -> {
            assertThat(i.recordCount()).isEqualTo(2);
            assertThat(i.source()).isEqualTo("wamatek.csv");
            assertThat(i.description()).isNull();
            assertThat(i.importedAt()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
        });
    }

    @Test
    void anImportedAtTheRequestGivesIsKeptToTheMicrosecondAndOrdersTheImports() {
        Instant given = Instant.parse("2024-02-29T23:59:59.123456789Z");
        Instant earlier = Instant.parse("0001-01-01T00:00:00Z");
        store.insertListings(sample(2), "now");
        store.insertListings(sample(1), new ImportRequest("copied", "a.csv", "first", given.plusSeconds(60)));
        store.insertListings(sample(1), new ImportRequest("oldest", null, null, earlier));

        ImportResult again = store.insertListings(sample(3),
                new ImportRequest("copied", "b.csv", "again", given));

        assertThat(again.rowsReplaced()).isEqualTo(1);
        assertThat(store.findImport("copied")).contains(new ImportMetadata("copied",
                Instant.parse("2024-02-29T23:59:59.123456Z"), "b.csv", 3, "again"));
        assertThat(store.findImport("oldest")).get().extracting(ImportMetadata::importedAt).isEqualTo(earlier);
        assertThat(store.listImports()).extracting(ImportMetadata::importId).containsExactly("now", "copied", "oldest");
        assertThat(store.queryListings(ListingQuery.builder().importId("copied").build()))
                .extracting(Listing::importIndex).containsExactly(1, 2, 3);
    }

    @Test
    void anImportKeepsItsFingerprintAndIsFoundByIt() {
        String july = "sha256:" + "a".repeat(64);
        String august = "sha256:" + "b".repeat(64);
        store.insertListings(sample(2), new ImportRequest("july", "july.csv", null).withFingerprint(july));
        store.insertListings(sample(1), new ImportRequest("july-again", "july.csv", null).withFingerprint(july));
        store.insertListings(sample(3), new ImportRequest("august", "august.csv", null, null, august));
        store.insertListings(sample(1), "none");
        setImportedAt("july", Instant.parse("2025-07-01T00:00:00Z"));

        assertThat(store.findImport("july")).get().extracting(ImportMetadata::fingerprint).isEqualTo(july);
        assertThat(store.findImport("none")).get().extracting(ImportMetadata::fingerprint).isNull();
        assertThat(store.findImportsByFingerprint(july))
                .extracting(ImportMetadata::importId, ImportMetadata::recordCount, ImportMetadata::fingerprint)
                .containsExactly(tuple("july-again", 1L, july), tuple("july", 2L, july));
        assertThat(store.findImportsByFingerprint(august)).extracting(ImportMetadata::importId)
                .containsExactly("august");
        assertThat(store.findImportsByFingerprint("sha256:" + "A".repeat(64))).isEmpty();
        assertThat(store.listImports()).filteredOn(i -> i.importId().equals("august"))
                .extracting(ImportMetadata::fingerprint).containsExactly(august);
    }

    @Test
    void reimportingAnIdReplacesItsFingerprintAndDeletingForgetsIt() {
        String first = "sha256:" + "1".repeat(64);
        String second = "sha256:" + "2".repeat(64);
        store.insertListings(sample(2), new ImportRequest("daily", null, null).withFingerprint(first));

        store.insertListings(sample(2), new ImportRequest("daily", null, null).withFingerprint(second));

        assertThat(store.findImportsByFingerprint(first)).isEmpty();
        assertThat(store.findImportsByFingerprint(second)).extracting(ImportMetadata::importId)
                .containsExactly("daily");
        store.insertListings(sample(1), ImportRequest.of("daily"));
        assertThat(store.findImport("daily")).get().extracting(ImportMetadata::fingerprint).isNull();
        assertThat(store.findImportsByFingerprint(second)).isEmpty();
        store.insertListings(sample(1), new ImportRequest("daily", null, null).withFingerprint(first));
        assertThat(store.deleteImport("daily")).isTrue();
        assertThat(store.findImportsByFingerprint(first)).isEmpty();
    }

    @Test
    void aFailedImportRecordsNoFingerprint() {
        String fingerprint = "sha256:" + "f".repeat(64);
        List<Listing> rows = new ArrayList<>(sample(2));
        rows.add(null);

        assertThatThrownBy(() -> store.insertListings(rows, new ImportRequest("broken", null, null)
                .withFingerprint(fingerprint))).isInstanceOf(InvalidListingException.class);

        assertThat(store.findImportsByFingerprint(fingerprint)).isEmpty();
        assertThat(store.findImport("broken")).isEmpty();
    }

    @Test
    void anImportRefusingDuplicateInputIsRefusedUnreadWhenAnotherImportHoldsIt() {
        String july = "sha256:" + "a".repeat(64);
        store.insertListings(sample(2), new ImportRequest("july", "july.csv", null).withFingerprint(july));
        store.insertListings(sample(1), new ImportRequest("july-copy", "july.csv", null).withFingerprint(july));
        setImportedAt("july", Instant.parse("2025-07-01T00:00:00Z"));
        List<ImportMetadata> before = store.listImports();
        AtomicInteger read = new AtomicInteger();

        assertThatThrownBy(() -> store.importListings(RowHooks.beforeEachRow(sample(3).iterator(),
                row -> read.incrementAndGet()), new ImportRequest("again", "july.csv", null).withFingerprint(july)
                        .refusingDuplicateInput()))
                .isInstanceOfSatisfying(DuplicateInputException.class, e -> {
                    assertThat(e.fingerprint()).isEqualTo(july);
                    assertThat(e.holders()).extracting(ImportMetadata::importId)
                            .containsExactly("july-copy", "july");
                })
                .hasMessageStartingWith("Refused to import import again into ")
                .hasMessageContaining(": its input (" + july + ") is already held by import july-copy (1 listings,")
                .hasMessageEndingWith(" and 1 more; nothing was written");

        assertThat(read).as("rows read").hasValue(0);
        assertThat(store.listImports()).isEqualTo(before);
        assertThat(store.countListings(ListingQuery.builder().build())).isEqualTo(3);
        // Replacing an import that holds the input adds no copy; an input no import holds is imported and recorded.
        assertThat(store.insertListings(sample(3), new ImportRequest("july", null, null).withFingerprint(july)
                .refusingDuplicateInput()).rowsReplaced()).isEqualTo(2);
        String august = "sha256:" + "b".repeat(64);
        store.insertListings(sample(1), new ImportRequest("august", null, null).withFingerprint(august)
                .refusingDuplicateInput());
        assertThat(store.findImportsByFingerprint(august)).extracting(ImportMetadata::importId)
                .containsExactly("august");
    }

    @Test
    void importsRefusingDuplicateInputStartedTogetherLetOneThrough() throws Exception {
        String fingerprint = "sha256:" + "d".repeat(64);
        RowHooks.Held held = RowHooks.heldAtRow(sample(3).iterator(), 2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<ImportResult> first = threads.submit(() -> store.importListings(held,
                    new ImportRequest("first", null, null).withFingerprint(fingerprint).refusingDuplicateInput()));
            held.awaitHeld();
            Future<ImportResult> second = threads.submit(() -> store.insertListings(sample(2),
                    new ImportRequest("second", null, null).withFingerprint(fingerprint).refusingDuplicateInput()));

            // Without a lock the second would find no holder (the first has not committed) and import a copy.
            Thread.sleep(500);
            assertThat(second).as("the second waits for the first").isNotDone();
            held.release();

            assertThat(first.get(RowHooks.GIVE_UP_SECONDS, TimeUnit.SECONDS).recordCount()).isEqualTo(3);
            assertThatThrownBy(() -> second.get(RowHooks.GIVE_UP_SECONDS, TimeUnit.SECONDS))
                    .cause().isInstanceOfSatisfying(DuplicateInputException.class, e -> assertThat(e.holders())
                            .extracting(ImportMetadata::importId).containsExactly("first"));
        } finally {
            held.release();
            threads.shutdownNow();
        }
        assertThat(store.listImports()).extracting(ImportMetadata::importId).containsExactly("first");
    }

    @Test
    void fingerprintsAreValidated() {
        assertThatThrownBy(() -> ImportRequest.of("x").refusingDuplicateInput())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refuseDuplicateInput needs a fingerprint for import x: give one with withFingerprint");
        assertThatThrownBy(() -> ImportRequest.of("x").withFingerprint("sha256:1").refusingDuplicateInput()
                .withFingerprint(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ImportRequest.of("x").withFingerprint("sha256:1").refusingDuplicateInput()
                .withImportedAt(T0).refuseDuplicateInput()).isTrue();
        assertThat(new ImportRequest("x", null, null).fingerprint()).isNull();
        assertThatThrownBy(() -> ImportRequest.of("x").withFingerprint(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fingerprint must be 1 to 200");
        assertThatThrownBy(() -> ImportRequest.of("x").withFingerprint("sha256: abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0020 at index 7");
        assertThatThrownBy(() -> ImportRequest.of("x").withFingerprint("f".repeat(201)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 201");
        assertThatThrownBy(() -> store.findImportsByFingerprint(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void deleteImportRemovesItsListingsOnly() {
        store.insertListings(sample(3), "keep");
        store.insertListings(sample(4), "drop");

        assertThat(store.deleteImport("drop")).isTrue();

        assertThat(store.findImport("drop")).isEmpty();
        assertThat(all()).hasSize(3).extracting(Listing::importId).containsOnly("keep");
        assertThat(store.deleteImport("drop")).isFalse();
    }

    @Test
    void importIdsAreStrippedAndValidated() {
        store.insertListings(sample(1), "  spaced id  ");

        assertThat(store.findImport("spaced id")).isPresent();
        assertThat(store.findImport(" spaced id\t")).isPresent();
        assertThat(store.countListings(ListingQuery.builder().importId(" spaced id ").build())).isEqualTo(1);
        assertThat(store.deleteImport(" spaced id ")).isTrue();
        assertThatThrownBy(() -> store.insertListings(sample(1), " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("importId");
        assertThatThrownBy(() -> store.insertListings(sample(1), "a\nb"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
        assertThatThrownBy(() -> store.insertListings(sample(1), "x".repeat(201)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200");
    }

    @Test
    void oddButValidTextRoundTrips() {
        List<Listing> odd = Arrays.asList(
                Listing.builder().canonicalModel("RTX_4090").price("1").score(0.1)
                        .title("emoji 🚀 CJK 显卡 \"quotes\" 'single' \n newline \t tab").build(),
                Listing.builder().canonicalModel("A100").price("1").score(-0.0)
                        .notes("back\\slash " + (char) 1 + " " + (char) 0x7f).build(),
                Listing.builder().canonicalModel("B").price("1").score(Double.MAX_VALUE)
                        .matchScore(Double.MIN_VALUE).seenAt(Instant.parse("0001-01-01T00:00:00Z")).build());

        store.insertListings(odd, "odd");

        assertThat(all()).extracting(ListingStoreContract::withoutProvenance).containsExactlyElementsOf(odd);
    }

    /** Runs a statement on the store's tables behind its back, as a damaged or hand-edited store would have. */
    protected abstract void runSql(String sql);

    @Test
    void verifyIsCleanOnASoundStoreAndFindsImportsWhoseRowsDisagreeWithTheirRecord() {
        store.insertListings(sample(5), "five");
        store.insertListings(sample(3), "three");
        assertThat(store.verify().ok()).isTrue();

        runSql("UPDATE imports SET record_count = 7 WHERE import_id = 'five'");
        runSql("DELETE FROM listings WHERE import_index = 2 AND import_key = (SELECT id FROM imports"
                + " WHERE import_id = 'three')");

        VerifyReport report = store.verify();
        assertThat(report.ok()).isFalse();
        assertThat(report.integrityProblems()).containsExactly(
                "import five records 7 listings but holds 5",
                "import three records 3 listings but holds 2, numbered up to 3");
    }

    /**
     * Returns true if the backend stores U+0000 in text; PostgreSQL's text and jsonb cannot hold it, so a store on it
     * refuses such a listing by name instead.
     */
    protected boolean storesNulInText() {
        return true;
    }

    @Test
    void aNulCharacterRoundTripsOrTheListingIsRefusedByRowAndField() {
        List<Listing> listings = List.of(listing("A", "1", 0.5),
                Listing.builder().canonicalModel("A100").price("1").score(0.5).notes("nul \0 inside").build());

        if (storesNulInText()) {
            store.insertListings(listings, "nul");
            assertThat(all()).extracting(ListingStoreContract::withoutProvenance).containsExactlyElementsOf(listings);
        } else {
            assertThatThrownBy(() -> store.insertListings(listings, "nul"))
                    .isInstanceOfSatisfying(InvalidListingException.class, e -> {
                        assertThat(e.rowIndex()).isEqualTo(2);
                        assertThat(e.field()).isEqualTo("notes");
                    })
                    .hasMessageContaining("row 2").hasMessageContaining("U+0000");
            assertThat(store.listImports()).isEmpty();
            assertThat(all()).isEmpty();
        }
    }

    @Test
    void aClosedStoreRejectsCalls() {
        store.insertListings(sample(1), "b");
        store.close();
        store.close();

        assertThatThrownBy(() -> store.queryListings(ListingQuery.all())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.countListings(ListingQuery.all())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.insertListings(sample(1), "c")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(store::listImports).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.findImport("b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.deleteImport("b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void healthSaysTheStoreAnswersWithTheCurrentSchema() {
        store.insertListings(sample(3), "b");

        StoreHealth health = store.health();

        assertThat(health.ok()).as(health.message()).isTrue();
        assertThat(health.schemaVersion()).isPositive().isEqualTo(health.supportedSchemaVersion());
        assertThat(health.latency()).isPositive();
        assertThat(health.message()).contains("schema version " + health.schemaVersion()).contains("answered in");
        assertThat(store.countListings(ListingQuery.all())).as("health changes nothing").isEqualTo(3);
    }

    @Test
    void healthOfAClosedStoreThrows() {
        store.close();

        assertThatThrownBy(store::health).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /** Imports {@code rows} sample listings as {@code importId} of {@code source}, imported {@code days} after T0. */
    private void importAt(String importId, String source, int days, int rows) {
        store.insertListings(sample(rows), new ImportRequest(importId, source, null)
                .withImportedAt(T0.plus(Duration.ofDays(days))));
    }

    private Map<String, Long> importCounts() {
        return store.listImports().stream().collect(Collectors.toMap(ImportMetadata::importId,
                ImportMetadata::recordCount));
    }

    @Test
    void pruneKeepsTheNewestImportsOfEachSourceAndADryRunRemovesNothing() {
        importAt("a1", "shop-a", 1, 2);
        importAt("a2", "shop-a", 2, 3);
        importAt("a3", "shop-a", 3, 4);
        importAt("b1", "shop-b", 0, 5);
        importAt("b2", "shop-b", 4, 6);
        importAt("n1", null, 1, 7);
        importAt("n2", null, 2, 8);
        importAt("n3", null, 5, 9);
        Map<String, Long> before = importCounts();

        PruneResult dryRun = store.prune(RetentionPolicy.keepNewest(2), true);

        assertThat(dryRun.dryRun()).isTrue();
        assertThat(dryRun.imports()).extracting(ImportMetadata::importId, ImportMetadata::recordCount)
                .containsExactly(tuple("n1", 7L), tuple("a1", 2L));
        assertThat(dryRun.listings()).isEqualTo(9);
        assertThat(importCounts()).isEqualTo(before);
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(44);

        PruneResult pruned = store.prune(RetentionPolicy.keepNewest(2), false);

        assertThat(pruned.dryRun()).isFalse();
        assertThat(pruned.imports()).extracting(ImportMetadata::importId, ImportMetadata::recordCount)
                .containsExactly(tuple("n1", 7L), tuple("a1", 2L));
        assertThat(pruned.listings()).isEqualTo(9);
        assertThat(importCounts().keySet()).containsExactlyInAnyOrder("a2", "a3", "b1", "b2", "n2", "n3");
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(35);
        assertThat(store.countListings(ListingQuery.builder().importId("a1").build())).isZero();
        assertThat(store.prune(RetentionPolicy.keepNewest(2), false).imports()).as("nothing left to prune").isEmpty();
    }

    @Test
    void pruneByAgeKeepsRecentImportsAndWithACountKeepsWhatEitherRuleKeeps() {
        Instant now = Instant.now();
        for (String[] i : new String[][] {{"a-old", "shop-a", "40"}, {"a-mid", "shop-a", "20"},
            {"a-new", "shop-a", "1"}, {"b-only", "shop-b", "60"}}) {
            store.insertListings(sample(2), new ImportRequest(i[0], i[1], null)
                    .withImportedAt(now.minus(Duration.ofDays(Long.parseLong(i[2])))));
        }

        assertThat(store.prune(RetentionPolicy.maxAge(Duration.ofDays(30)), true).imports())
                .extracting(ImportMetadata::importId).containsExactly("b-only", "a-old");
        assertThat(store.prune(RetentionPolicy.keepNewest(1).orWithin(Duration.ofDays(30)), false)
                .imports()).extracting(ImportMetadata::importId).containsExactly("a-old");
        assertThat(importCounts().keySet()).containsExactlyInAnyOrder("a-mid", "a-new", "b-only");
        assertThat(store.prune(RetentionPolicy.maxAge(Duration.ofDays(1_000_000L * 365 * 3000)), false)
                .imports()).as("an age beyond the calendar keeps everything").isEmpty();
    }
}
