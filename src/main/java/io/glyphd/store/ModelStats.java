package io.glyphd.store;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Market statistics for one canonical model over the listings a filter selects; see
 * {@link ListingStore#modelStats(ListingQuery)}.
 *
 * <p>Every row counts: an import that holds the same listing twice contributes two prices, as it does to
 * {@link ListingStore#countListings(ListingQuery)}; with {@link ListingQuery#distinctOffers()} each offer counts
 * once, by its first row, and {@code listingCount} is the number of offers. Prices are exact except where stated:
 * <ul>
 *   <li>{@code medianPrice} is the middle price, or for an even count the mean of the two middle prices, which
 *       may end in half a micro-dollar (7 decimal places). A backend may compute it in double precision, which is
 *       exact while the middle prices are below 2^52 micro-dollars (about 4.5 billion USD);</li>
 *   <li>{@code averagePrice} is the exact sum divided by the count, rounded half-even to the micro-dollar
 *       (6 decimal places).</li>
 * </ul>
 *
 * @param canonicalModel the model; models that differ only in ASCII case are one model, named by the spelling
 *        that sorts first byte-wise (upper case before lower case)
 * @param listingCount how many listings matched, {@code >= 1}
 * @param minPrice the lowest price, in USD
 * @param medianPrice the median price, in USD
 * @param maxPrice the highest price, in USD
 * @param averagePrice the mean price, in USD, rounded half-even to the micro-dollar
 * @param averageScore the mean score
 * @param bestListing the listing with the highest score; among equal scores, the one stored last, i.e. the first
 *        {@link ListingStore#queryListings(ListingQuery)} returns for the same filter, this model and
 *        {@link ListingQuery.Order#SCORE_DESC}
 */
public record ModelStats(String canonicalModel, long listingCount, BigDecimal minPrice, BigDecimal medianPrice,
        BigDecimal maxPrice, BigDecimal averagePrice, double averageScore, Listing bestListing) {

    /**
     * Checks the components.
     *
     * @param canonicalModel the model; models that differ only in ASCII case are one model, named by the spelling
     *        that sorts first byte-wise (upper case before lower case)
     * @param listingCount how many listings matched, {@code >= 1}
     * @param minPrice the lowest price, in USD
     * @param medianPrice the median price, in USD
     * @param maxPrice the highest price, in USD
     * @param averagePrice the mean price, in USD, rounded half-even to the micro-dollar
     * @param averageScore the mean score
     * @param bestListing the listing with the highest score; among equal scores, the one stored last, i.e. the first
     *        {@link ListingStore#queryListings(ListingQuery)} returns for the same filter, this model and
     *        {@link ListingQuery.Order#SCORE_DESC}
     * @throws NullPointerException if a component other than the counts and scores is null
     * @throws IllegalArgumentException if {@code listingCount < 1} or the prices are not ordered
     *         {@code min <= median <= max} and {@code min <= average <= max}
     */
    public ModelStats {
        Objects.requireNonNull(canonicalModel, "canonicalModel");
        Objects.requireNonNull(minPrice, () -> "minPrice is null for " + canonicalModel);
        Objects.requireNonNull(medianPrice, () -> "medianPrice is null for " + canonicalModel);
        Objects.requireNonNull(maxPrice, () -> "maxPrice is null for " + canonicalModel);
        Objects.requireNonNull(averagePrice, () -> "averagePrice is null for " + canonicalModel);
        Objects.requireNonNull(bestListing, () -> "bestListing is null for " + canonicalModel);
        if (listingCount < 1) {
            throw new IllegalArgumentException("listingCount must be >= 1 for " + canonicalModel + ", was "
                    + listingCount);
        }
        if (minPrice.compareTo(maxPrice) > 0 || !within(medianPrice, minPrice, maxPrice)
                || !within(averagePrice, minPrice, maxPrice)) {
            throw new IllegalArgumentException("prices must satisfy min <= median, average <= max for "
                    + canonicalModel + ", were min " + minPrice.toPlainString() + ", median "
                    + medianPrice.toPlainString() + ", average " + averagePrice.toPlainString() + ", max "
                    + maxPrice.toPlainString());
        }
    }

    private static boolean within(BigDecimal value, BigDecimal min, BigDecimal max) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }

    /** {@return the highest score, that of {@link #bestListing()}} */
    public double bestScore() {
        return bestListing.score();
    }

    @Override
    public String toString() {
        return canonicalModel + ": " + listingCount + " listings, " + minPrice.toPlainString() + " to "
                + maxPrice.toPlainString() + " USD (median " + medianPrice.toPlainString() + "), best score "
                + bestScore();
    }
}
