package io.glyphd.store.postgres;

import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreMetricsContract;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

class PostgresStoreMetricsTest extends StoreMetricsContract {
    @Override
    protected ListingStore openStore(Path dir, MeterRegistry registry, String name) {
        return PostgresListingStore.builder(PostgresStores.sharedDatabase()).schema(PostgresStores.freshSchema())
                .metrics(registry, name).build();
    }
}
