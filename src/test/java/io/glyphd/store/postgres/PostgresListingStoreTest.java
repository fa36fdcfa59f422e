package io.glyphd.store.postgres;

import io.glyphd.store.ListingStore;
import io.glyphd.store.ListingStoreContract;
import java.nio.file.Path;

/** The store contract against a real PostgreSQL server, each test in a schema of its own. */
class PostgresListingStoreTest extends ListingStoreContract {

    @Override
    protected ListingStore openStore(Path dir) {
        return PostgresStores.fresh();
    }

    @Override
    protected void runSql(String sql) {
        PostgresStores.runSql(((PostgresListingStore) store).schema(), sql);
    }

    @Override
    protected boolean storesNulInText() {
        return false;
    }
}
