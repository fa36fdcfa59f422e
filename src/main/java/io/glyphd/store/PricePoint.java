package io.glyphd.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One listing as one import saw it: a point of {@link ListingStore#history(String, String)}.
 *
 * <p>When an import holds several rows for the same listing (same {@code sourceUrl} and {@code canonicalModel}),
 * the point is that import's first such row, the one with the lowest {@link Listing#importIndex()}: its price,
 * score and {@code seenAt} come from that one row, and {@code rowCount} says how many rows there were.
 *
 * @param importId the import's id
 * @param importedAt when the import was committed
 * @param seenAt when the listing was seen, from the same row as the price; null if that row has none
 * @param price the price of the import's first row for the listing, in USD
 * @param score the score of the same row
 * @param rowCount how many rows of the import are this listing, {@code >= 1}
 */
public record PricePoint(String importId, Instant importedAt, Instant seenAt, BigDecimal price, double score,
        int rowCount) {

    /**
     * Checks the components.
     *
     * @param importId the import's id
     * @param importedAt when the import was committed
     * @param seenAt when the listing was seen, from the same row as the price; null if that row has none
     * @param price the price of the import's first row for the listing, in USD
     * @param score the score of the same row
     * @param rowCount how many rows of the import are this listing, {@code >= 1}
     * @throws NullPointerException if {@code importId}, {@code importedAt} or {@code price} is null
     * @throws IllegalArgumentException if {@code rowCount < 1}
     */
    public PricePoint {
        Objects.requireNonNull(importId, "importId");
        Objects.requireNonNull(importedAt, () -> "importedAt is null for import " + importId);
        Objects.requireNonNull(price, () -> "price is null for import " + importId);
        if (rowCount < 1) {
            throw new IllegalArgumentException("rowCount must be >= 1 for import " + importId + ", was " + rowCount);
        }
    }

    @Override
    public String toString() {
        return "import " + importId + ": " + price.toPlainString() + " USD, score " + score
                + (rowCount == 1 ? "" : " (" + rowCount + " rows)");
    }
}
