package io.glyphd.store.postgres;

import io.glyphd.store.ListingAnalyticsContract;
import io.glyphd.store.ListingStore;
import java.nio.file.Path;

/** The analytics contract against a real PostgreSQL server, each test in a schema of its own. */
class PostgresListingAnalyticsTest extends ListingAnalyticsContract {

    @Override
    protected ListingStore openStore(Path dir) {
        return PostgresStores.fresh();
    }
}
