package io.glyphd.store;

import static io.glyphd.store.TestListings.listing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records that history, diff and modelStats return check themselves and derive what they document. */
class AnalyticsRecordsTest {
    private static ImportDiff.Change change(String from, String to) {
        return new ImportDiff.Change("https://shop/1", "RTX_4090", new BigDecimal(from), new BigDecimal(to), 0.5,
                0.25, 1, 2);
    }

    @Test
    void aChangeDerivesItsDeltas() {
        assertThat(change("100", "110").priceChange()).isEqualByComparingTo("10");
        assertThat(change("100", "110").priceChangePercent()).contains(new BigDecimal("10.00"));
        assertThat(change("3", "2").priceChangePercent()).contains(new BigDecimal("-33.33"));
        assertThat(change("8", "8.001").priceChangePercent()).as("0.0125 rounds half-up")
                .contains(new BigDecimal("0.01"));
        assertThat(change("0.08", "0.0801").priceChangePercent()).contains(new BigDecimal("0.13"));
        assertThat(change("0", "5").priceChangePercent()).isEmpty();
        assertThat(change("100", "110").scoreChange()).isEqualTo(-0.25);
    }

    @Test
    void aDiffChecksItsCountsAndCopiesItsLists() {
        List<ImportDiff.Entry> added = new ArrayList<>(List.of(
                new ImportDiff.Entry("https://shop/1", "RTX_4090", new BigDecimal("1"), 0.5, 1)));

        ImportDiff diff = new ImportDiff("a", "b", 3, 0, 0, 7, added, List.of(), List.of());
        added.clear();

        assertThat(diff.added()).hasSize(1);
        assertThat(diff.isComplete()).isFalse();
        assertThat(diff).hasToString("diff of import a to import b: 3 added, 0 removed, 0 changed, 7 unchanged");
        assertThatThrownBy(() -> new ImportDiff("a", "b", 0, 0, 0, 0, diff.added(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addedCount");
        assertThatThrownBy(() -> new ImportDiff("a", "b", 0, 0, 0, -1, List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unchangedCount");
    }

    @Test
    void entriesAndPointsNeedAtLeastOneRow() {
        assertThatThrownBy(() -> new ImportDiff.Entry("https://shop/1", "X", BigDecimal.ONE, 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://shop/1");
        assertThatThrownBy(() -> new PricePoint("a", Instant.EPOCH, null, BigDecimal.ONE, 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("import a");
        assertThat(new PricePoint("a", Instant.EPOCH, null, new BigDecimal("595.99"), 0.5, 3))
                .hasToString("import a: 595.99 USD, score 0.5 (3 rows)");
    }

    @Test
    void modelStatsKeepTheirPricesInOrder() {
        Listing best = listing("RTX_4090", "1500", 0.9);
        BigDecimal one = BigDecimal.ONE;
        BigDecimal two = new BigDecimal("2");

        assertThat(new ModelStats("RTX_4090", 2, one, new BigDecimal("1.5"), two, new BigDecimal("1.5"), 0.5, best)
                .bestScore()).isEqualTo(0.9);
        assertThatThrownBy(() -> new ModelStats("RTX_4090", 2, two, two, one, two, 0.5, best))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RTX_4090");
        assertThatThrownBy(() -> new ModelStats("RTX_4090", 2, one, new BigDecimal("3"), two, one, 0.5, best))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("median 3");
        assertThatThrownBy(() -> new ModelStats("RTX_4090", 0, one, one, one, one, 0.5, best))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listingCount");
    }
}
