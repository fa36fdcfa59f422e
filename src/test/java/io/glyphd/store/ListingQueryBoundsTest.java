package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Price bounds of a query are checked before any arithmetic on them, and messages show them short. */
class ListingQueryBoundsTest {
    @Test
    @Timeout(5)
    void pricesBeyondTheBoundAreRefusedAtOnce() {
        assertThatThrownBy(() -> ListingQuery.builder().minPrice(new BigDecimal("1e999999999")).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("minPrice must be at most 1000000000000000, was 1E+999999999");
        assertThatThrownBy(() -> ListingQuery.builder().maxPrice(new BigDecimal("1000000000000000.000001")).build())
                .hasMessage("maxPrice must be at most 1000000000000000, was 1000000000000000.000001");
        assertThatThrownBy(() -> ListingQuery.builder().maxPrice(new BigDecimal("1e-999999999")).build())
                .hasMessage("maxPrice must have at most 18 decimal places, was 1E-999999999");
        assertThatThrownBy(() -> ListingQuery.builder().maxPrice(new BigDecimal("1." + "1".repeat(100))).build())
                .hasMessage("maxPrice must have at most 60 digits, was 1." + "1".repeat(38)
                        + "… (102 characters)");
    }

    @Test
    @Timeout(10)
    void decimalsOfAMillionDigitsAreRefusedFromTheirSizeAlone() {
        // 1.000…0 with a million zeros: cheap to build, but its precision, its digits and stripping its zeros each
        // take seconds to hours.
        BigDecimal one = new BigDecimal(BigInteger.TEN.pow(1_000_000), 1_000_000);
        BigDecimal huge = new BigDecimal(BigInteger.TEN.pow(1_000_000));

        assertThatThrownBy(() -> ListingQuery.builder().maxPrice(one).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPrice must have at most 60 digits, was a number of about 1000000 digits"
                        + " with scale 1000000");
        assertThatThrownBy(() -> ListingQuery.builder().minPrice(huge).build())
                .hasMessage("minPrice must have at most 60 digits, was a number of about 1000000 digits"
                        + " with scale 0");
        assertThatThrownBy(() -> Listing.builder().canonicalModel("A").price(one).score(0.5).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("price must have at most 60 digits")
                .hasMessageEndingWith(", was a number of about 1000000 digits with scale 1000000");
        assertThat(Listing.builder().canonicalModel("A").price(new BigDecimal("5." + "0".repeat(50))).score(0.5)
                .build().price()).isEqualTo(new BigDecimal("5"));
    }

    @Test
    void boundsWithinTheLimitsAreKept() {
        BigDecimal zeros = new BigDecimal("5." + "0".repeat(30));
        ListingQuery query = ListingQuery.builder().minPrice(new BigDecimal("0.000000000000000001"))
                .maxPrice(ListingQuery.MAX_PRICE_BOUND).build();

        assertThat(query.maxPrice()).isEqualTo(ListingQuery.MAX_PRICE_BOUND);
        assertThat(ListingQuery.builder().maxPrice(zeros).build().maxPrice()).isEqualTo(zeros);
    }
}
