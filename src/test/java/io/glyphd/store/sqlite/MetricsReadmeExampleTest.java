package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ListingQuery;
import io.glyphd.store.ReadmeExamples;
import io.glyphd.store.TestListings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's options and metrics example, and checks the README shows exactly this code. */
class MetricsReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theMetricsExampleRuns() {
        Path file = dir.resolve("listings.sqlite3");
        var listings = TestListings.sample(3);
        // README-METRICS-BEGIN
        MeterRegistry registry = new SimpleMeterRegistry(); // a service passes the registry it already has
        try (SqliteListingStore store = SqliteListingStore.builder(file)
                .lockWait(Duration.ofSeconds(5))
                .maxConnections(4)
                .metrics(registry, "listings")
                .build()) {
            store.insertListings(listings, "2025-07-29-batch1");
            long count = store.countListings(ListingQuery.all());

            Timer imports = registry.get("glyphd.store.operations").tag("store", "listings")
                    .tag("operation", "import").tag("outcome", "success").timer();
            double rows = registry.get("glyphd.store.import.rows").tag("store", "listings").summary()
                    .totalAmount();
            double inUse = registry.get("glyphd.store.connections.active").tag("store", "listings").gauge()
                    .value();
            // README-METRICS-END
            assertThat(count).isEqualTo(3);
            assertThat(imports.count()).isEqualTo(1);
            assertThat(imports.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(rows).isEqualTo(3);
            assertThat(inUse).isZero();
        }
        assertThat(registry.find("glyphd.store.connections.active").gauges()).as("removed on close").isEmpty();
    }

    @Test
    void theReadmeShowsThisExample() throws IOException {
        ReadmeExamples.assertReadmeShows(ReadmeExamples.example(
                "src/test/java/io/glyphd/store/sqlite/MetricsReadmeExampleTest.java", "METRICS"));
    }
}
