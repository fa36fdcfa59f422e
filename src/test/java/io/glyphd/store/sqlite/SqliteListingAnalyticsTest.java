package io.glyphd.store.sqlite;

import static io.glyphd.store.TestListings.listing;
import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ListingAnalyticsContract;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import io.glyphd.store.internal.ListingQueries;
import io.glyphd.store.internal.Sql;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteListingAnalyticsTest extends ListingAnalyticsContract {

    @Override
    protected ListingStore openStore(Path dir) {
        return new SqliteListingStore(dir.resolve("listings.sqlite3"));
    }

    private Sql statsSql(ListingQuery filter) {
        return ((SqliteListingStore) store).analyticsStatements().modelStatsSql(filter);
    }

    private List<String> plan(Sql sql) {
        return ((SqliteListingStore) store).withConnection(c -> plan(c, sql));
    }

    private static List<String> plan(Connection connection, Sql sql) throws SQLException {
        List<String> steps = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("EXPLAIN QUERY PLAN " + sql.text())) {
            sql.bind(statement);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    steps.add(rs.getString(4));
                }
            }
        }
        return steps;
    }

    @Test
    void historySeeksTheIdentityIndex() {
        assertThat(plan(new Sql(SqliteDialect.INSTANCE.historySql(), List.of("https://shop/1", "RTX_4090"))))
                .anySatisfy(step -> assertThat(step)
                        .contains("SEARCH l USING INDEX listings_identity (source_url=? AND canonical_model=?)"))
                .noneSatisfy(step -> assertThat(step).startsWith("SCAN l"));
    }

    @Test
    void aDiffReadsOnlyTheTwoImportsThroughTheirIndex() {
        assertThat(plan(new Sql(SqliteDialect.INSTANCE.diffSql(), List.of("a", "b", 10))))
                .noneSatisfy(step -> assertThat(step).startsWith("SCAN l"))
                .filteredOn(step -> step.startsWith("SEARCH l USING INDEX sqlite_autoindex_listings_1 (import_key=?)"))
                .hasSize(2);
    }

    @Test
    void statsOfOneImportOrModelSeekTheirIndex() {
        assertThat(plan(statsSql(ListingQuery.builder().importId("a").build())))
                .noneSatisfy(step -> assertThat(step).startsWith("SCAN l"))
                .anySatisfy(step -> assertThat(step).startsWith("SEARCH l USING INDEX sqlite_autoindex_listings_1"))
                .anySatisfy(step -> assertThat(step)
                        .contains("USING COVERING INDEX listings_model_score (canonical_model=? AND score=?)"));
        assertThat(plan(statsSql(ListingQuery.builder().model("RTX_4090").build())))
                .noneSatisfy(step -> assertThat(step).startsWith("SCAN l"));
    }

    @Test
    void statsOfTheCurrentMarketReadOnlyItsImportsRowsAndSeekEachRowsIdentity() {
        List<String> plan = plan(statsSql(ListingQuery.builder().current().distinctOffers().inStock().build()));

        assertThat(plan).as(String.join("\n", plan))
                .noneSatisfy(step -> assertThat(step).startsWith("SCAN l"))
                .anySatisfy(step -> assertThat(step)
                        .startsWith("SEARCH l USING INDEX sqlite_autoindex_listings_1 (import_key=?)"))
                .anySatisfy(step -> assertThat(step).startsWith("SEARCH cj USING COVERING INDEX imports_source"))
                .anySatisfy(step -> assertThat(step).startsWith("SEARCH d USING COVERING INDEX listings_identity"
                        + " (source_url=? AND canonical_model=? AND import_key=? AND import_index<?)"));
    }

    @Test
    void statsOfALargeImportAreOnePassOverTheCoveringModelIndex() {
        List<String> plan = plan(SqliteDialect.INSTANCE.modelStatsOfLargeImport(
                new ListingQueries(SqliteDialect.INSTANCE).listingColumns(ListingQuery.all()), "a", false));

        assertOnePassOverTheModelPriceIndex(plan, "SEARCH [li] USING INTEGER PRIMARY KEY \\(rowid=\\?\\)|"
                + "SEARCH k USING COVERING INDEX sqlite_autoindex_imports_1 \\(import_id=\\?\\)|"
                + "SEARCH [bp] USING COVERING INDEX listings_model_(score|price) \\(canonical_model=\\?\\)");
    }

    @Test
    void statsOfAllListingsReadOnlyCoveringIndexes() {
        List<String> plan = plan(statsSql(ListingQuery.all()));

        assertOnePassOverTheModelPriceIndex(plan, "SEARCH [lip] USING INTEGER PRIMARY KEY \\(rowid=\\?\\)|"
                + "SEARCH [bp] USING COVERING INDEX listings_model_(score|price) \\(canonical_model=\\?\\)");
    }

    /**
     * Asserts that the plan groups in one pass over the covering (canonical_model, price_micros, ...) index, with no
     * sort for the grouping, and that every other step that reads is a seek that {@code seeks} matches.
     */
    private static void assertOnePassOverTheModelPriceIndex(List<String> plan, String seeks) {
        assertThat(plan).as(String.join("\n", plan))
                .contains("SCAN l USING COVERING INDEX listings_model_price")
                .noneSatisfy(step -> assertThat(step).contains("FOR GROUP BY"))
                .allSatisfy(step -> {
                    if (step.startsWith("SCAN") || step.startsWith("SEARCH")) {
                        assertThat(step).matches("SCAN l USING COVERING INDEX listings_model_price|SCAN g|" + seeks);
                    }
                });
    }

    @Test
    void aMedianBeyondDoublePrecisionStaysBetweenMinAndMax() {
        // 2^52 micro-dollars is about 4.5 billion USD; above it median() rounds to the nearest double.
        store.insertListings(List.of(listing("BIG", "100000000000.000001", 0.1),
                listing("BIG", "100000000000.000001", 0.2), listing("BIG", "100000000000.000003", 0.3)), "big");

        ModelStats big = store.modelStats(ListingQuery.all()).get(0);

        assertThat(big.minPrice()).isEqualByComparingTo("100000000000.000001");
        assertThat(big.maxPrice()).isEqualByComparingTo("100000000000.000003");
        assertThat(big.medianPrice()).isBetween(big.minPrice(), big.maxPrice());
        assertThat(big.averagePrice()).isEqualByComparingTo("100000000000.000002");
    }

    @Test
    void theMedianConversionIsExactBelowTwoToThe52() {
        long below = (1L << 52) - 1;

        assertThat(SqliteDialect.median(below + 0.5, below, below + 1))
                .isEqualByComparingTo(new BigDecimal(below).add(new BigDecimal("0.5")).movePointLeft(6));
        assertThat(SqliteDialect.median(1.5, 1, 2)).isEqualByComparingTo("0.0000015");
        assertThat(SqliteDialect.median(1e17, 100_000_000_000_000_001L, 100_000_000_000_000_003L))
                .isEqualByComparingTo("100000000000.000001");
    }
}
