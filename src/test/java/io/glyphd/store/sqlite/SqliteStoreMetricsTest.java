package io.glyphd.store.sqlite;

import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreMetricsContract;
import io.glyphd.store.internal.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

class SqliteStoreMetricsTest extends StoreMetricsContract {
    @Override
    protected ListingStore openStore(Path dir, MeterRegistry registry, String name) {
        return new SqliteListingStore(dir.resolve("listings.sqlite3"), false, new MicrometerMetrics(registry, name));
    }
}
