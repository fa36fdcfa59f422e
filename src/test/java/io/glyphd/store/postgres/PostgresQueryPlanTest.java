package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingQuery.Order;
import io.glyphd.store.internal.ListingQueries;
import io.glyphd.store.internal.PageToken;
import io.glyphd.store.internal.Sql;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL counterpart of {@code SqliteQueryPlanTest} for the market queries: the statements the store builds,
 * EXPLAINed on an analysed store of 100,000 listings of 20 models in 5,000 imports of 50 sources (so the current
 * market is about 1% of the rows), read the listings through their indexes, never whole; where the order's index
 * range is clearly the cheapest (the top of a model, of its offers), in order with no sort. With the current market
 * or several models the planner may instead seek each current import's or model's rows and sort those: it has the
 * statistics to choose. The imports table is small and may be read whole.
 */
class PostgresQueryPlanTest {
    private static final String SCHEMA = "market_plans";
    private static DataSource dataSource;
    private static PostgresListingStore store;

    @BeforeAll
    static void fill() throws SQLException {
        PostgresServer server = PostgresServer.shared();
        dataSource = server.dataSource(server.createDatabase());
        store = PostgresListingStore.builder(dataSource).schema(SCHEMA).build();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + SCHEMA);
            s.execute("INSERT INTO imports (import_id, imported_at, source) SELECT 'b' || g,"
                    + " now() - g * interval '1 hour', CASE WHEN g % 1000 = 0 THEN NULL ELSE 'shop-' || g % 50 END"
                    + " FROM generate_series(1, 5000) g");
            s.execute("""
                    INSERT INTO listings (import_key, import_index, canonical_model, price, score, region, seen_at,
                        source_url, vram_gb, nvlink, availability, quantity, seller, generation, match_score)
                    SELECT 1 + (g - 1) / 20, 1 + (g - 1) % 20, 'MODEL_' || g % 20, (g % 5000) * 1.25, (g % 997) / 997.0,
                        'REGION_' || g % 200, now() - g * interval '1 minute', 'https://example.com/' || g % 30000,
                        (g % 11) * 8, g % 7 = 0, CASE WHEN g % 3 = 0 THEN 'Available' ELSE 'Unavailable' END,
                        g % 13, 'seller ' || g % 17, 'Gen' || g % 9, (g % 19) / 19.0
                    FROM generate_series(1, 100000) g
                    """);
            s.execute("ANALYZE imports");
            s.execute("ANALYZE listings");
        }
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static ListingQueries queries() {
        return store.statements();
    }

    private static String explain(Sql sql) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL search_path TO " + SCHEMA);
            }
            List<String> lines = new ArrayList<>();
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN " + sql.text())) {
                sql.bind(explain);
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
            }
            c.rollback();
            return String.join("\n", lines);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String selectPlan(ListingQuery query) {
        return explain(queries().listingSql().select(queries().selectListings(query), query));
    }

    /** Asserts that the listings are read through {@code index}, neither scanned whole nor sorted. */
    private static void assertReadsInOrder(String plan, String index) {
        assertReads(plan, index);
        assertThat(plan).doesNotContainPattern("Sort Key: l\\.");
    }

    /** Asserts that the listings are read through {@code index} (maybe with others), never scanned whole. */
    private static void assertReads(String plan, String index) {
        assertThat(plan).contains(" " + index + " ").doesNotContain("Seq Scan on listings");
    }

    @Test
    void theCurrentMarketIsReadThroughIndexes() {
        assertReads(selectPlan(ListingQuery.builder().model("model_7").current().orderBy(Order.SCORE_DESC)
                .limit(100).build()), "imports_source");
        assertReads(selectPlan(ListingQuery.builder().model("MODEL_7").current().minPrice(BigDecimal.TEN)
                .orderBy(Order.PRICE_ASC).limit(100).build()), "imports_source");
        assertReads(selectPlan(ListingQuery.builder().current().limit(100).build()),
                "listings_import_key_import_index_key");
    }

    @Test
    void severalModelsMergeTheirIndexRangesInOrder() {
        for (Order order : List.of(Order.SCORE_DESC, Order.PRICE_ASC, Order.PRICE_DESC)) {
            ListingQuery query = ListingQuery.builder().models("MODEL_7", "model_8", "MODEL_9").orderBy(order)
                    .limit(100).build();
            String index = order == Order.SCORE_DESC ? "listings_model_score" : "listings_model_price";
            String plan = selectPlan(query);

            assertMerged(plan, index, 3);
            assertThat(plan).as(plan).contains("Merge Append");
        }
        ListingQuery byScore = ListingQuery.builder().models("MODEL_7", "model_8", "MODEL_9")
                .orderBy(Order.SCORE_DESC).limit(100).build();
        List<Sql> pages = queries().listingSql().page(queries().selectListings(byScore), byScore,
                PageToken.after(byScore, 0.5, 1234L));
        for (Sql page : pages) {
            assertMerged(explain(page.withLimit(101)), "listings_model_score", 3);
        }
    }

    /**
     * Asserts that each of the {@code arms} reads its range of {@code index} in order up to its own LIMIT: at most the
     * arms' few rows are sorted (an Append of tie pages), never a model's every match.
     */
    private static void assertMerged(String plan, String index, int arms) {
        assertThat(plan).as(plan).doesNotContain("Seq Scan on listings").doesNotContain("Bitmap Heap Scan on listings");
        assertThat(plan.split(" using " + index + " ", -1)).as(plan).hasSize(arms + 1);
        assertThat(plan.split("Limit  \\(", -1)).as(plan).hasSize(arms + 2);
        assertThat(plan.split("(?m)(^|->)\\s*(Incremental )?Sort\\s+\\(", -1).length).as(plan).isLessThanOrEqualTo(2);
    }

    @Test
    void oneRowPerOfferSeeksTheIdentityIndexForTheRowsItTests() {
        String plan = selectPlan(ListingQuery.builder().model("MODEL_7").distinctOffers().orderBy(Order.SCORE_DESC)
                .limit(100).build());

        assertReadsInOrder(plan, "listings_model_score");
        assertThat(plan).contains("listings_identity");
    }

    @Test
    void specAndOfferFiltersAreTestedOnTheRangeTheOtherFiltersChose() {
        assertReadsInOrder(selectPlan(ListingQuery.builder().model("MODEL_7").minVramGb(24).nvlink(false)
                .minMatchScore(0.1).orderBy(Order.SCORE_DESC).limit(100).build()), "listings_model_score");
        // lower(availability) has no statistics (nor lower(seller), lower(generation), ...), so the planner takes
        // such a filter for a rare match (0.5%) and may seek the model's rows and sort what passes; either way
        // through the model's index.
        assertReads(selectPlan(ListingQuery.builder().model("MODEL_7").minVramGb(24).inStock()
                .orderBy(Order.SCORE_DESC).limit(100).build()), "listings_model_score");
        assertReadsInOrder(selectPlan(ListingQuery.builder().model("MODEL_7").maxPrice(new BigDecimal("3000"))
                .nvlink(false).maxVramGb(64).orderBy(Order.PRICE_ASC).limit(20).build()), "listings_model_price");
        assertReads(selectPlan(ListingQuery.builder().model("MODEL_7").maxPrice(new BigDecimal("3000"))
                .seller("SELLER 3").generation("gen4").orderBy(Order.PRICE_ASC).limit(20).build()),
                "listings_model_price");
        assertReads(selectPlan(ListingQuery.builder().sourceUrl("https://example.com/7").orderBy(Order.SCORE_DESC)
                .build()), "listings_identity");
    }

    @Test
    void listingsInStockByPriceReadThePartialIndexOfListingsInStock() {
        ListingQuery cheapest = ListingQuery.builder().minVramGb(16).maxPrice(new BigDecimal("2000")).inStock()
                .orderBy(Order.PRICE_ASC).limit(100).build();
        String plan = selectPlan(cheapest);
        assertReadsInOrder(plan, "listings_in_stock_price");
        assertThat(plan).as("the VRAM bound is tested on the index entry").containsPattern(
                "Index Cond: \\(.*\\(vram_gb >= ");
        assertReadsInOrder(selectPlan(cheapest.toBuilder().orderBy(Order.PRICE_DESC).build()),
                "listings_in_stock_price");
        List<Sql> pages = queries().listingSql().page(queries().selectListings(cheapest), cheapest,
                PageToken.after(cheapest, 1_500_000_000L, 1234L));
        assertReadsInOrder(explain(pages.get(1).withLimit(101)), "listings_in_stock_price");
        String best = selectPlan(cheapest.toBuilder().orderBy(Order.SCORE_DESC).build());
        assertReadsInOrder(best, "listings_in_stock_score");
        assertThat(best).as("the VRAM and price bounds are tested on the index entry")
                .containsPattern("Index Cond: \\(.*vram_gb >= .*price <= ");
    }

    @Test
    void countsAndStatsOfTheCurrentMarketReadOnlyItsImportsRows() {
        assertReads(explain(queries().listingSql().count(ListingQuery.builder().current().distinctOffers().build())),
                "listings_import_key_import_index_key");
        assertReads(explain(store.analyticsStatements().modelStatsSql(ListingQuery.builder().current()
                .distinctOffers().inStock().build())), "listings_import_key_import_index_key");
    }
}
