package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.StoreHealth;
import io.glyphd.store.TestListings;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** {@code health()} against a real server: a newer schema and an unreachable server are reported, not thrown. */
class PostgresHealthTest {

    @Test
    void aSchemaANewerBuildMigratedIsReportedNotThrown() {
        String schema = PostgresStores.freshSchema();
        try (PostgresListingStore store = PostgresListingStore.builder(PostgresStores.sharedDatabase()).schema(schema)
                .build()) {
            store.insertListings(TestListings.sample(2), "b");
            assertThat(store.health().ok()).isTrue();
            PostgresStores.runSql(schema, "INSERT INTO glyphd_store_schema (version, script) VALUES ("
                    + (PostgresSchema.CURRENT_VERSION + 1) + ", 'V99__later.sql')");

            StoreHealth health = store.health();

            assertThat(health.ok()).isFalse();
            assertThat(health.schemaVersion()).isEqualTo(PostgresSchema.CURRENT_VERSION + 1);
            assertThat(health.message()).contains(schema).contains("newer glyphd-store");
        }
    }

    @Test
    void anUnreachableServerIsReportedNotThrown() throws IOException {
        PGSimpleDataSource shared = (PGSimpleDataSource) PostgresStores.sharedDatabase();
        PGSimpleDataSource dataSource = (PGSimpleDataSource) PostgresServer.shared()
                .dataSource(shared.getDatabaseName());
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (PostgresListingStore store = PostgresListingStore.builder(dataSource)
                .schema(PostgresStores.freshSchema()).build()) {
            assertThat(store.health().ok()).isTrue();
            dataSource.setPortNumbers(new int[] {deadPort});

            StoreHealth health = store.health();

            assertThat(health.ok()).isFalse();
            assertThat(health.schemaVersion()).isEqualTo(-1);
            assertThat(health.message()).contains("Cannot check the health of");
            if (shared.getPassword() != null) {
                assertThat(health.message()).doesNotContain(shared.getPassword());
            }
        }
    }
}
