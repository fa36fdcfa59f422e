package io.glyphd.store;

import static io.glyphd.store.TestListings.listing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListingTest {

    private static Listing.Builder valid() {
        return Listing.builder().canonicalModel("RTX_4090").price("1500").score(0.5);
    }

    @Test
    void requiredComponentsAreChecked() {
        assertThatThrownBy(() -> valid().canonicalModel(null).build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("canonicalModel");
        assertThatThrownBy(() -> valid().canonicalModel("  ").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("canonicalModel must not be blank");
        assertThatThrownBy(() -> valid().price((BigDecimal) null).build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("price is required for RTX_4090");
        assertThatThrownBy(() -> Listing.builder().canonicalModel("X").price("1").build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("score is required for X");
    }

    @Test
    void messagesNameTheFieldAndTheBadValue() {
        assertThatThrownBy(() -> valid().score(Double.NaN).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("score must be a finite number for RTX_4090, was NaN");
        assertThatThrownBy(() -> valid().price("-1").build())
                .hasMessage("price must be >= 0 for RTX_4090, was -1");
        assertThatThrownBy(() -> valid().price("1.0000001").build())
                .hasMessage("price must have at most 6 decimal places for RTX_4090, was 1.0000001");
        assertThatThrownBy(() -> valid().migSupport(8).build())
                .hasMessage("migSupport must be between 0 and 7 for RTX_4090, was 8");
        assertThatThrownBy(() -> valid().vramGb(-1).build()).hasMessageContaining("vramGb must be >= 0");
        assertThatThrownBy(() -> valid().slotWidth(0.0).build()).hasMessageContaining("slotWidth must be > 0");
        assertThatThrownBy(() -> valid().matchScore(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("matchScore must be a finite number");
        assertThatThrownBy(() -> valid().title("x".repeat(Listing.MAX_TEXT_LENGTH + 1)).build())
                .hasMessageContaining("title must be at most 10000 characters");
        assertThatThrownBy(() -> valid().seller("bad \uD800 surrogate").build())
                .hasMessageContaining("seller holds a lone UTF-16 surrogate at index 4");
        assertThatThrownBy(() -> valid().seenAt(Instant.parse("+10000-01-01T00:00:00Z")).build())
                .hasMessageContaining("seenAt must be between");
        assertThatThrownBy(() -> valid().price(Listing.MAX_PRICE.add(BigDecimal.ONE)).build())
                .hasMessageContaining("price must be at most 1000000000000");
    }

    @Test
    void valuesAreNormalisedSoTheyReadBackEqual() {
        Listing listing = valid().canonicalModel("  H100_PCIE_80GB ").price("595.990").score(-0.0)
                .seenAt(Instant.parse("2025-07-29T10:15:30.123456789Z")).heuristics(Map.of("n", 3L)).build();

        assertThat(listing.canonicalModel()).isEqualTo("H100_PCIE_80GB");
        assertThat(listing.price()).isEqualTo(new BigDecimal("595.99"));
        assertThat(valid().price("1E+3").build().price()).isEqualTo(new BigDecimal("1000"));
        assertThat(Double.compare(listing.score(), 0.0)).isZero();
        assertThat(listing.seenAt()).isEqualTo(Instant.parse("2025-07-29T10:15:30.123456Z"));
        assertThat(listing.heuristics()).containsEntry("n", 3);
        assertThat(valid().build().heuristics()).isEmpty();
    }

    @Test
    void surrogatePairsAreValidText() {
        assertThat(valid().title("GPU 🚀").build().title()).isEqualTo("GPU 🚀");
    }

    @Test
    void toBuilderCopiesEveryComponent() {
        Listing full = TestListings.full().withProvenance("b", 3);

        assertThat(full.toBuilder().build()).isEqualTo(full);
        assertThat(full.toBuilder().score(0.9).build()).isNotEqualTo(full).extracting(Listing::title)
                .isEqualTo(full.title());
    }

    @Test
    void provenanceIsChecked() {
        assertThatThrownBy(() -> listing("A", "1", 0.5).withProvenance("b", 0))
                .hasMessageContaining("importIndex must be >= 1");
        assertThatThrownBy(() -> listing("A", "1", 0.5).withProvenance(" ", 1))
                .hasMessageContaining("importId must not be blank");
    }
}
