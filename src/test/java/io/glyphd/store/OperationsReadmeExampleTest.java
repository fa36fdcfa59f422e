package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the README's examples of the throwaway store, {@code health()}, {@code backup}, {@code prune} and
 * {@code compact}, and checks the README shows exactly this code: each example lies between
 * {@code // README-<NAME>-BEGIN} and {@code // README-<NAME>-END} and must be a {@code ```java} block of README.md,
 * with its common indentation removed.
 */
class OperationsReadmeExampleTest {
    private static final String SOURCE = "src/test/java/io/glyphd/store/OperationsReadmeExampleTest.java";

    @TempDir
    Path dir;

    @Test
    void theThrowawayStoreExampleRuns() {
        Path[] where = new Path[1];
        // README-TEMPORARY-BEGIN
        try (SqliteListingStore store = SqliteListingStore.temporary()) {
            store.insertListings(List.of(
                    Listing.builder().canonicalModel("H100_PCIE_80GB").price(new BigDecimal("24999.99")).score(0.91)
                            .build(),
                    Listing.builder().canonicalModel("H100_PCIE_80GB").price(new BigDecimal("21500")).score(0.88)
                            .build()), "fixture");

            List<Listing> cheapest = store.queryListings(ListingQuery.builder().model("H100_PCIE_80GB")
                    .orderBy(ListingQuery.Order.PRICE_ASC).limit(1).build());

            assertThat(cheapest.get(0).price()).isEqualByComparingTo("21500");
            // README-TEMPORARY-END
            where[0] = store.path();
            assertThat(where[0]).isRegularFile();
        }
        assertThat(where[0].getParent()).as("close() removes the store's directory").doesNotExist();
    }

    @Test
    void theHealthExampleRuns() {
        try (ListingStore store = SqliteListingStore.temporary()) {
            // README-HEALTH-BEGIN
            StoreHealth health = store.health(); // milliseconds at any size; a store that is down gives ok() false
            int status = health.ok() ? 200 : 503;
            String body = health.toString();     // "ok: schema version 6, answered in 0.07 ms"
            // README-HEALTH-END
            assertThat(status).isEqualTo(200);
            assertThat(body).startsWith("ok: schema version 6, answered in ").endsWith(" ms");
        }
    }

    @Test
    void theBackupExampleRuns() throws Exception {
        Path file = dir.resolve("listings.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(TestListings.sample(20), "nightly");
            // README-BACKUP-BEGIN
            Path copy = store.backup(dir.resolve("backups/listings-" + Instant.now().toEpochMilli() + ".sqlite3"));
            try (SqliteListingStore restored = SqliteListingStore.openReadOnly(copy)) {
                assertThat(restored.verify().ok()).isTrue();
            }
            // README-BACKUP-END
            try (SqliteListingStore restored = SqliteListingStore.openReadOnly(copy)) {
                assertThat(restored.countListings(ListingQuery.all())).isEqualTo(20);
            }
        }
    }

    @Test
    void thePruneExampleRuns() {
        Path file = dir.resolve("listings.sqlite3");
        Instant now = Instant.now();
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            for (int day : new int[] {65, 55, 45, 25, 15, 5, 0}) {
                store.insertListings(TestListings.sample(2_000), new ImportRequest("scrape-" + day, "wamatek", null)
                        .withImportedAt(now.minus(Duration.ofDays(day))));
            }
            List<String> printed = new ArrayList<>();
            // README-PRUNE-BEGIN
            RetentionPolicy policy = RetentionPolicy.keepNewest(3).orWithin(Duration.ofDays(30));
            PruneResult wouldGo = store.prune(policy, true);   // a dry run: lists, removes nothing
            wouldGo.imports().forEach(i -> printed.add("would remove " + i.importId()));

            PruneResult removed = store.prune(policy, false);  // each import in a transaction of its own
            long reclaimed = store.compact();                  // gives the freed pages back to the file system
            // README-PRUNE-END
            assertThat(printed).containsExactly("would remove scrape-65", "would remove scrape-55",
                    "would remove scrape-45");
            assertThat(removed.imports()).isEqualTo(wouldGo.imports());
            assertThat(removed.listings()).isEqualTo(6_000);
            assertThat(reclaimed).isPositive();
            assertThat(store.listImports()).extracting(ImportMetadata::importId)
                    .containsExactly("scrape-0", "scrape-5", "scrape-15", "scrape-25");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TEMPORARY", "HEALTH", "BACKUP", "PRUNE"})
    void theReadmeShowsThisExample(String name) throws IOException {
        String expected = ReadmeExamples.example(SOURCE, name);
        if (name.equals("TEMPORARY")) {
            expected += "\n}"; // the block the example opens ends after the markers
        }
        ReadmeExamples.assertReadmeShows(expected);
    }
}
