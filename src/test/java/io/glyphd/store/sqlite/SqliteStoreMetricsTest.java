package io.glyphd.store.sqlite;

import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreMetricsContract;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

class SqliteStoreMetricsTest extends StoreMetricsContract {
    @Override
    protected ListingStore openStore(Path dir, MeterRegistry registry, String name) {
        return SqliteListingStore.builder(dir.resolve("listings.sqlite3")).metrics(registry, name).build();
    }
}
