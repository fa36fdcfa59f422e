package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreMetricsContract;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
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
}
