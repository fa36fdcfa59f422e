package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-style checks of {@link Listing}'s validation over seeded random listings (see {@link RandomListings}):
 * every valid listing is stable under its own normalisation, and every way of breaking one is refused with a
 * message naming the field. A failing seed replays exactly.
 */
class ListingPropertiesTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 25);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aValidListingIsItsOwnNormalForm(long seed) {
        RandomListings random = new RandomListings(seed);
        for (int i = 0; i < 50; i++) {
            Listing listing = random.valid();

            Listing again = listing.toBuilder().build();

            assertThat(again).isEqualTo(listing).hasSameHashCodeAs(listing);
            assertThat(again.price().scale()).isBetween(0, Listing.MAX_PRICE_SCALE);
            assertThat(again.price().stripTrailingZeros().compareTo(listing.price())).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyWayOfBreakingAListingIsRefusedWithAMessageNamingTheField(long seed) {
        for (RandomListings.Invalid invalid : new RandomListings(seed).invalid()) {
            assertThatThrownBy(() -> invalid.build().run()).as(invalid.description())
                    .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
                    .hasMessageContaining(invalid.field());
        }
    }
}
