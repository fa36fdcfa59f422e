package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's usage example, and checks the README shows exactly this code. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("checkstyle:RegexpSinglelineJava")
    void theUsageExampleRuns() {
        Path file = dir.resolve("data/listings.sqlite3");
        // README-USAGE-BEGIN
        try (ListingStore store = new SqliteListingStore(file)) {
            Listing h100 = Listing.builder()
                    .canonicalModel("H100_PCIE_80GB").price(new BigDecimal("24999.99")).score(0.91)
                    .vramGb(80).migSupport(7).nvlink(true).region("USA")
                    .sourceUrl("https://example.com/h100").seenAt(Instant.parse("2025-07-29T10:00:00Z"))
                    .build();
            Listing rtx = Listing.builder()
                    .canonicalModel("RTX_4090").price(new BigDecimal("1599")).score(0.33).region("EU")
                    .build();

            ImportResult result = store.insertListings(List.of(h100, rtx),
                    new ImportRequest("2025-07-29-batch1", "wamatek_scored.csv", "nightly scrape"));

            List<Listing> best = store.queryListings(ListingQuery.builder()
                    .model("h100_pcie_80gb").minScore(0.7).maxPrice(new BigDecimal("25000"))
                    .orderBy(ListingQuery.Order.SCORE_DESC).limit(50).build());

            for (ImportMetadata i : store.listImports()) {
                System.out.println(i.importId() + ": " + i.recordCount() + " listings at " + i.importedAt());
            }
            // README-USAGE-END
            assertThat(result.recordCount()).isEqualTo(2);
            assertThat(best).singleElement().satisfies(l -> {
                assertThat(l.price()).isEqualByComparingTo("24999.99");
                assertThat(l.importId()).isEqualTo("2025-07-29-batch1");
                assertThat(l.importIndex()).isEqualTo(1);
            });
        }
    }

    @Test
    void theReadmeShowsThisExample() throws IOException {
        ReadmeExamples.assertReadmeShows(
                ReadmeExamples.example("src/test/java/io/glyphd/store/ReadmeExampleTest.java", "USAGE") + "\n}");
    }
}
