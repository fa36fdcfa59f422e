package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreException;
import io.glyphd.store.StoreMetricsContract;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresStoreMetricsTest extends StoreMetricsContract {
    @Override
    protected ListingStore openStore(Path dir, MeterRegistry registry, String name) {
        return PostgresListingStore.builder(PostgresStores.sharedDatabase()).schema(PostgresStores.freshSchema())
                .metrics(registry, name).build();
    }

    @Test
    void theMetricsOptionIsCheckedWhenSet() {
        PostgresListingStore.Builder builder = PostgresListingStore.builder(PostgresStores.sharedDatabase());

        assertThatThrownBy(() -> builder.metrics(registry, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metrics name must not be blank");
        assertThatThrownBy(() -> builder.metrics(null, "x")).isInstanceOf(NullPointerException.class)
                .hasMessage("registry");
    }

    @Test
    void aCallerThatFindsTheCallersPoolExhaustedIsCountedAsPendingThenAsAConnectionTimeout() throws Exception {
        HikariConfig config = PostgresStores.poolOnNewDatabase(1);
        config.setConnectionTimeout(1_000);
        try (HikariDataSource pool = new HikariDataSource(config);
                ListingStore small = PostgresListingStore.builder(pool).metrics(registry, "small").build();
                Connection taken = pool.getConnection()) {
            assertThat(taken.isValid(1)).as("another user of the pool holds its one connection").isTrue();
            CompletableFuture<Long> counting = CompletableFuture.supplyAsync(
                    () -> small.countListings(ListingQuery.all()));
            Gauge pending = registry.get("glyphd.store.connections.pending").tag("store", "small").gauge();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pending.value() == 0 && !counting.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(pending.value()).isEqualTo(1);

            assertThatThrownBy(() -> counting.get(30, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(StoreException.class);
            assertThat(registry.get("glyphd.store.failures").tag("store", "small").tag("operation", "count")
                    .tag("kind", "connection_timeout").counter().count()).isEqualTo(1);
            assertThat(pending.value()).isZero();
        }
    }
}
