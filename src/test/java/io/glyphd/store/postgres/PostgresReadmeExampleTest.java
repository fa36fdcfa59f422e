package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import io.glyphd.store.ReadmeExamples;
import io.glyphd.store.TestListings;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the README's PostgreSQL example on a HikariCP pool, and checks the README shows exactly this code. */
class PostgresReadmeExampleTest {

    @Test
    void thePostgresExampleRuns() {
        PostgresServer server = PostgresServer.shared();
        String jdbcUrl = server.jdbcUrl(server.createDatabase());
        String user = server.user();
        String password = server.password();
        var listings = TestListings.sample(3);
        // README-POSTGRES-BEGIN
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl); // e.g. jdbc:postgresql://db.internal:5432/market
        config.setUsername(user);
        config.setPassword(password); // from the environment or a secret store, never from code
        config.setMaximumPoolSize(10);
        try (HikariDataSource pool = new HikariDataSource(config);
                ListingStore store = PostgresListingStore.builder(pool).schema("glyphd").build()) {
            store.insertListings(listings, "2025-07-29-batch1");
            List<ModelStats> market = store.modelStats(ListingQuery.builder().importId("2025-07-29-batch1").build());
            // README-POSTGRES-END
            assertThat(market).isNotEmpty();
            assertThat(market.stream().mapToLong(ModelStats::listingCount).sum()).isEqualTo(3);
            assertThat(pool.isClosed()).as("the store leaves the caller's pool open").isFalse();
        }
    }

    @Test
    void theReadmeShowsThisExample() throws IOException {
        ReadmeExamples.assertReadmeShows(ReadmeExamples.example(
                "src/test/java/io/glyphd/store/postgres/PostgresReadmeExampleTest.java", "POSTGRES"));
    }
}
