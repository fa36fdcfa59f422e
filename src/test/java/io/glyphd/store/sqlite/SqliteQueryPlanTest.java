package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingQuery.Order;
import io.glyphd.store.internal.ListingQueries;
import io.glyphd.store.internal.PageToken;
import io.glyphd.store.internal.Sql;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each query shape the store promises to answer in milliseconds at a million rows runs as one index range, read in
 * the query's order: no full scan and no sort of the matches. Checked on EXPLAIN QUERY PLAN, not on timing. The
 * store never runs ANALYZE, so the planner chooses the same plan on an empty file as on a large one.
 */
class SqliteQueryPlanTest {
    private static final Instant T = Instant.parse("2025-07-22T00:00:00Z");

    @TempDir
    Path dir;
    SqliteListingStore store;

    private ListingQueries queries() {
        return store.statements();
    }

    @BeforeEach
    void open() {
        store = new SqliteListingStore(dir.resolve("listings.sqlite3"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> plan(Sql sql) {
        return store.withConnection(c -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement statement = c.prepareStatement("EXPLAIN QUERY PLAN " + sql.text())) {
                sql.bind(statement);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        lines.add(rs.getString("detail"));
                    }
                }
            }
            return lines;
        });
    }

    private List<String> selectPlan(ListingQuery query) {
        return plan(queries().listingSql().select(queries().selectListings(query), query));
    }

    /** Asserts that the listings table is read through {@code index} as {@code range}, in order, joined by key. */
    private static void assertIndexRange(List<String> plan, String index, String range) {
        assertThat(plan).as(String.join("\n", plan))
                .anySatisfy(line -> assertThat(line).startsWith("SEARCH l USING ").contains("INDEX " + index + " ("
                        + range + ")"))
                .noneSatisfy(line -> assertThat(line).contains("TEMP B-TREE"))
                .noneSatisfy(line -> assertThat(line).startsWith("SCAN"))
                .allSatisfy(line -> {
                    if (line.contains(" i ")) {
                        assertThat(line).matches("SEARCH i USING (INTEGER PRIMARY KEY \\(rowid=\\?\\)|"
                                + "COVERING INDEX sqlite_autoindex_imports_1 \\(import_id=\\?\\))");
                    }
                });
    }

    @Test
    void modelOrderedByScoreReadsTheModelScoreIndexBackwards() {
        assertIndexRange(selectPlan(ListingQuery.builder().model("RTX_4090").orderBy(Order.SCORE_DESC).build()),
                "listings_model_score", "canonical_model=?");
    }

    @Test
    void aScoreRangeReadsTheScoreIndex() {
        assertIndexRange(selectPlan(ListingQuery.builder().minScore(0.3).maxScore(0.35).orderBy(Order.SCORE_DESC)
                .build()), "listings_score", "score>? AND score<?");
    }

    @Test
    void regionSeenAfterNewestFirstReadsTheRegionSeenIndex() {
        assertIndexRange(selectPlan(ListingQuery.builder().region("USA").seenAfter(T).orderBy(Order.SEEN_AT_DESC)
                .build()), "listings_region_seen", "region=? AND seen_at>?");
    }

    @Test
    void aPriceRangeForAModelReadsTheModelPriceIndex() {
        assertIndexRange(selectPlan(ListingQuery.builder().model("RTX_4070").minPrice(new BigDecimal("500"))
                .maxPrice(new BigDecimal("600")).orderBy(Order.PRICE_ASC).build()),
                "listings_model_price", "canonical_model=? AND price_micros>? AND price_micros<?");
    }

    @Test
    void unfilteredOrdersReadTheirSingleColumnIndexes() {
        assertIndexRange(selectPlan(ListingQuery.builder().maxPrice(new BigDecimal("100")).orderBy(Order.PRICE_ASC)
                .build()), "listings_price", "price_micros<?");
        assertIndexRange(selectPlan(ListingQuery.builder().seenBefore(T).orderBy(Order.SEEN_AT_DESC).build()),
                "listings_seen", "seen_at<?");
        assertIndexRange(selectPlan(ListingQuery.builder().importId("batch-1").build()),
                "sqlite_autoindex_listings_1", "import_key=?");
    }

    @Test
    void countingAModelReadsOnlyACoveringIndex() {
        List<String> plan = plan(queries().listingSql().count(ListingQuery.builder().model("RTX_4090").build()));

        assertThat(plan).singleElement().asString()
                .matches("SEARCH l USING COVERING INDEX listings_model_(score|price) \\(canonical_model=\\?\\)");
    }

    @Test
    void aDeepPageOfAnImportSeeksToItsPosition() {
        ListingQuery query = ListingQuery.builder().importId("batch-1").build();
        List<Sql> segments = queries().listingSql().page(queries().selectListings(), query,
                PageToken.after(query, 3L, 500_000L));

        assertThat(segments).hasSize(1);
        assertIndexRange(plan(segments.get(0).withLimit(101)), "sqlite_autoindex_listings_1",
                "import_key=? AND import_index>?");
    }

    @Test
    void everyPageSegmentSeeksToItsPosition() {
        ListingQuery byScore = ListingQuery.builder().model("RTX_4090").orderBy(Order.SCORE_DESC).build();
        List<Sql> score = queries().listingSql().page(queries().selectListings(), byScore,
                PageToken.after(byScore, 0.5, 1234L));
        assertIndexRange(plan(score.get(0)), "listings_model_score", "canonical_model=? AND score=? AND id<?");
        assertIndexRange(plan(score.get(1)), "listings_model_score", "canonical_model=? AND score<?");

        ListingQuery bySeen = ListingQuery.builder().region("USA").orderBy(Order.SEEN_AT_DESC).build();
        List<Sql> seen = queries().listingSql().page(queries().selectListings(), bySeen,
                PageToken.after(bySeen, 1_700_000_000_000_000L, 99L));
        assertThat(seen).hasSize(3);
        assertIndexRange(plan(seen.get(0)), "listings_region_seen", "region=? AND seen_at=? AND rowid<?");
        assertIndexRange(plan(seen.get(1)), "listings_region_seen", "region=? AND seen_at<?");
        assertIndexRange(plan(seen.get(2)), "listings_region_seen", "region=? AND seen_at=?");
        List<Sql> afterNull = queries().listingSql().page(queries().selectListings(), bySeen,
                PageToken.after(bySeen, null, 99L));
        assertIndexRange(plan(afterNull.get(0)), "listings_region_seen", "region=? AND seen_at=? AND rowid<?");

        ListingQuery byPrice = ListingQuery.builder().orderBy(Order.PRICE_DESC).build();
        List<Sql> price = queries().listingSql().page(queries().selectListings(), byPrice,
                PageToken.after(byPrice, 5_000_000L, 7L));
        assertIndexRange(plan(price.get(0)), "listings_price", "price_micros=? AND rowid<?");
        assertIndexRange(plan(price.get(1)), "listings_price", "price_micros<?");

        ListingQuery all = ListingQuery.all();
        List<Sql> imports = queries().listingSql().page(queries().selectListings(), all,
                PageToken.after(all, 2L, 10L));
        assertIndexRange(plan(imports.get(0)), "sqlite_autoindex_listings_1", "import_key=? AND import_index>?");
        assertIndexRange(plan(imports.get(1)), "sqlite_autoindex_listings_1", "import_key>?");
    }

    // ---- Market filters ----

    /**
     * Asserts that the listings table is read through {@code index}, as a range ({@code range} non-null) or whole in
     * order, with no sort; that the imports are read only through their small indexes (the current market) and other
     * listings only by seeks on the identity index (one row per offer).
     */
    private static void assertMarketPlan(List<String> plan, String index, String range) {
        String listings = (range == null ? "SCAN" : "SEARCH") + " l USING (COVERING )?INDEX " + index
                + (range == null ? "" : " \\(" + Pattern.quote(range) + "\\)");
        assertThat(plan).as(String.join("\n", plan))
                .anySatisfy(line -> assertThat(line).matches(listings))
                .noneSatisfy(line -> assertThat(line).contains("TEMP B-TREE"))
                .allSatisfy(line -> {
                    if (line.startsWith("SCAN") || line.startsWith("SEARCH")) {
                        assertThat(line).matches("(SCAN|SEARCH) l USING (COVERING )?INDEX " + index + ".*"
                                + "|SEARCH i USING INTEGER PRIMARY KEY \\(rowid=\\?\\)"
                                + "|SCAN ci USING COVERING INDEX imports_source"
                                + "|SEARCH cj USING COVERING INDEX imports_source \\(source=\\? AND imported_at>\\?\\)"
                                + "|SEARCH d USING COVERING INDEX listings_identity \\(source_url=\\? AND"
                                + " canonical_model=\\? AND import_key=\\?( AND import_index<\\?)?\\)");
                    }
                });
    }

    @Test
    void theCurrentMarketOfAModelByScoreReadsTheModelScoreIndexAndOnlyTheImportsIndex() {
        assertMarketPlan(selectPlan(ListingQuery.builder().model("RTX_4090").current().orderBy(Order.SCORE_DESC)
                .build()), "listings_model_score", "canonical_model=?");
        assertMarketPlan(selectPlan(ListingQuery.builder().model("RTX_4070").current().minPrice(BigDecimal.ONE)
                .orderBy(Order.PRICE_ASC).build()), "listings_model_price", "canonical_model=? AND price_micros>?");
    }

    @Test
    void theModelIndexesCarryTheImportKeySoTheCurrentMarketOfAModelIsCountedOnTheIndexAlone() {
        List<String> plan = plan(queries().listingSql().count(ListingQuery.builder().model("RTX_4090").current()
                .build()));
        assertThat(plan).as(String.join("\n", plan))
                .anySatisfy(line -> assertThat(line).matches(
                        "SEARCH l USING COVERING INDEX listings_model_(score|price) \\(canonical_model=\\?\\)"))
                .noneSatisfy(line -> assertThat(line).startsWith("SCAN l"));
    }

    @Test
    void theCurrentMarketInEachOrderIsTestedOnThatOrdersIndexNotSorted() {
        assertMarketPlan(selectPlan(ListingQuery.builder().current().orderBy(Order.SCORE_DESC).build()),
                "listings_score", null);
        assertMarketPlan(selectPlan(ListingQuery.builder().current().orderBy(Order.PRICE_DESC).build()),
                "listings_price", null);
        assertMarketPlan(selectPlan(ListingQuery.builder().current().orderBy(Order.SEEN_AT_DESC).build()),
                "listings_seen", null);
        assertMarketPlan(selectPlan(ListingQuery.builder().current().build()), "sqlite_autoindex_listings_1",
                "import_key=?");
        ListingQuery current = ListingQuery.builder().current().build();
        List<Sql> pages = queries().listingSql().page(queries().selectListings(), current,
                PageToken.after(current, 2L, 10L));
        assertMarketPlan(plan(pages.get(0)), "sqlite_autoindex_listings_1", "import_key=? AND import_index>?");
        // The later imports' rows: one seek per current import after the last one read.
        assertMarketPlan(plan(pages.get(1)), "sqlite_autoindex_listings_1", "import_key=?");
    }

    @Test
    void oneRowPerOfferSeeksTheIdentityIndexForEachRowItTests() {
        ListingQuery offers = ListingQuery.builder().model("RTX_4090").current().distinctOffers()
                .orderBy(Order.SCORE_DESC).build();
        List<String> plan = selectPlan(offers);

        assertMarketPlan(plan, "listings_model_score", "canonical_model=?");
        assertThat(plan).filteredOn(line -> line.startsWith("SEARCH d")).as("the test and the row count")
                .hasSize(2);
        assertMarketPlan(plan(queries().listingSql().page(queries().selectListings(offers), offers,
                PageToken.after(offers, 0.5, 1234L)).get(0)), "listings_model_score",
                "canonical_model=? AND score=? AND id<?");
    }

    @Test
    void severalModelsMergeTheirIndexRangesInOrder() {
        for (Order order : List.of(Order.SCORE_DESC, Order.PRICE_ASC, Order.PRICE_DESC)) {
            boolean byScore = order == Order.SCORE_DESC;
            ListingQuery.Builder builder = ListingQuery.builder().models("RTX_4090", "RTX_4080", "RTX_5090").current()
                    .orderBy(order);
            ListingQuery query = (byScore ? builder.minScore(0.1) : builder.minPrice(BigDecimal.TEN)).build();
            String index = byScore ? "listings_model_score" : "listings_model_price";
            String range = byScore ? "canonical_model=? AND score>?" : "canonical_model=? AND price_micros>?";
            List<String> plan = selectPlan(query);

            assertMarketPlan(plan, index, range);
            assertThat(plan).as("%s:\n%s", order, String.join("\n", plan)).contains("MERGE (UNION ALL)")
                    .filteredOn(line -> line.startsWith("SEARCH l")).hasSize(3);
        }
        ListingQuery byScore = ListingQuery.builder().models("RTX_4090", "RTX_4080").orderBy(Order.SCORE_DESC)
                .build();
        List<Sql> pages = queries().listingSql().page(queries().selectListings(), byScore,
                PageToken.after(byScore, 0.5, 1234L));
        assertMarketPlan(plan(pages.get(0)), "listings_model_score", "canonical_model=? AND score=? AND id<?");
        assertMarketPlan(plan(pages.get(1)), "listings_model_score", "canonical_model=? AND score<?");
    }

    @Test
    void specAndOfferFiltersAreTestedOnTheRangeTheOtherFiltersChose() {
        assertMarketPlan(selectPlan(ListingQuery.builder().model("RTX_4090").minVramGb(24).maxVramGb(48)
                .minMigSupport(4).nvlink(true).generation("Ada").formFactor("SFF").seller("Wamatek")
                .sourceType("Shopify").inStock().minMatchScore(0.5).orderBy(Order.SCORE_DESC).build()),
                "listings_model_score", "canonical_model=?");
        assertMarketPlan(selectPlan(ListingQuery.builder().maxPrice(new BigDecimal("2000")).minVramGb(24)
                .availability("Sold out").orderBy(Order.PRICE_ASC).build()), "listings_price", "price_micros<?");
        // SQLite plans with the bound value: availability = 'Available' (this spelling) implies the in-stock index's
        // WHERE clause.
        assertMarketPlan(selectPlan(ListingQuery.builder().maxPrice(new BigDecimal("2000")).minVramGb(24)
                .availability("Available").orderBy(Order.PRICE_ASC).build()), "listings_in_stock_price",
                "price_micros<?");
        assertMarketPlan(selectPlan(ListingQuery.builder().region("USA").seenAfter(T).inStock().nvlink(false)
                .orderBy(Order.SEEN_AT_DESC).build()), "listings_region_seen", "region=? AND seen_at>?");
        assertMarketPlan(selectPlan(ListingQuery.builder().minVramGb(24).availability("Sold out")
                .orderBy(Order.SCORE_DESC).build()), "listings_score", null);
    }

    @Test
    void listingsInStockByPriceReadThePartialIndexOfListingsInStockAndTestVramOnItsEntries() {
        ListingQuery cheapest = ListingQuery.builder().minVramGb(16).maxPrice(new BigDecimal("2000")).inStock()
                .orderBy(Order.PRICE_ASC).build();
        assertMarketPlan(selectPlan(cheapest), "listings_in_stock_price", "price_micros<?");
        assertMarketPlan(selectPlan(cheapest.toBuilder().orderBy(Order.PRICE_DESC).build()),
                "listings_in_stock_price", "price_micros<?");
        assertMarketPlan(selectPlan(ListingQuery.builder().inStock().current().orderBy(Order.PRICE_ASC).build()),
                "listings_in_stock_price", null);
        List<Sql> pages = queries().listingSql().page(queries().selectListings(), cheapest,
                PageToken.after(cheapest, 1_500_000_000L, 1234L));
        // The ties of one price: either price index reads them as one short range.
        assertMarketPlan(plan(pages.get(0)), "listings_(in_stock_)?price", "price_micros=? AND rowid>?");
        assertMarketPlan(plan(pages.get(1)), "listings_in_stock_price", "price_micros>? AND price_micros<?");
        // A model's own index stays the better range.
        assertMarketPlan(selectPlan(cheapest.toBuilder().model("RTX_4090").build()), "listings_model_price",
                "canonical_model=? AND price_micros<?");
    }

    @Test
    void listingsInStockByScoreReadThePartialIndexOfListingsInStockAndTestVramAndPriceOnItsEntries() {
        ListingQuery best = ListingQuery.builder().minVramGb(16).maxPrice(new BigDecimal("2000")).inStock()
                .orderBy(Order.SCORE_DESC).build();
        assertMarketPlan(selectPlan(best), "listings_in_stock_score", null);
        assertMarketPlan(selectPlan(ListingQuery.builder().inStock().current().orderBy(Order.SCORE_DESC).build()),
                "listings_in_stock_score", null);
        assertMarketPlan(selectPlan(best.toBuilder().minScore(0.5).build()), "listings_in_stock_score", "score>?");
        List<Sql> pages = queries().listingSql().page(queries().selectListings(), best,
                PageToken.after(best, 0.5, 1234L));
        assertMarketPlan(plan(pages.get(0)), "listings_(in_stock_)?score", "score=? AND rowid<?");
        assertMarketPlan(plan(pages.get(1)), "listings_in_stock_score", "score<?");
        assertMarketPlan(selectPlan(ListingQuery.builder().model("RTX_4090").minVramGb(16).inStock()
                .orderBy(Order.SCORE_DESC).build()), "listings_model_score", "canonical_model=?");
    }

    @Test
    void aSourceUrlSeeksTheIdentityIndex() {
        // A listing's few sightings are found with one seek, then sorted.
        assertThat(selectPlan(ListingQuery.builder().sourceUrl("https://shop/1").orderBy(Order.SCORE_DESC)
                .build())).contains("SEARCH l USING INDEX listings_identity (source_url=?)")
                .noneSatisfy(line -> assertThat(line).startsWith("SCAN"));
    }

    @Test
    void countingTheCurrentMarketReadsOnlyItsImportsRowsAndCountingOffersSeeksEachRowsIdentity() {
        assertThat(plan(queries().listingSql().count(ListingQuery.builder().current().build())))
                .contains("SEARCH l USING COVERING INDEX sqlite_autoindex_listings_1 (import_key=?)")
                .noneSatisfy(line -> assertThat(line).startsWith("SCAN l"));
        assertMarketPlan(plan(queries().listingSql().count(ListingQuery.builder().model("RTX_4090").distinctOffers()
                .build())), "listings_model_(score|price)", "canonical_model=?");
    }
}
