package io.glyphd.store;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What changed from one import to another, listing by listing; see {@link ListingStore#diff(String, String, int)}.
 *
 * <p>Rules:
 * <ul>
 *   <li>Identity: a listing in one import is the same listing in the other when its {@code sourceUrl} matches
 *       exactly and its {@code canonicalModel} matches ignoring ASCII case. Listings whose {@code sourceUrl} is
 *       null or empty have no identity and take no part in a diff.</li>
 *   <li>Duplicates: when an import holds several rows of one listing, that import's first row (lowest
 *       {@link Listing#importIndex()}) stands for the listing, exactly as in a {@link PricePoint}; the
 *       {@code rowCount}s say how many rows there were.</li>
 *   <li>Kinds: a listing is <em>added</em> if only the "to" import has it, <em>removed</em> if only the "from"
 *       import has it, <em>changed</em> if both have it and its price or its score differs (compared exactly),
 *       and <em>unchanged</em> otherwise. A different number of duplicate rows, or any other field, is not a
 *       change.</li>
 *   <li>Order: each entry list is ordered by {@code sourceUrl}, then {@code canonicalModel} ignoring ASCII case
 *       (both compared as UTF-8 bytes).</li>
 *   <li>Counts are always exact. The entry lists may have been capped at a limit: {@link #isComplete()} says
 *       whether they hold every entry.</li>
 * </ul>
 *
 * @param fromImportId the earlier import's id
 * @param toImportId the later import's id
 * @param addedCount how many listings only the "to" import has
 * @param removedCount how many listings only the "from" import has
 * @param changedCount how many listings both have with a different price or score
 * @param unchangedCount how many listings both have with the same price and score
 * @param added the first added listings, as the "to" import has them
 * @param removed the first removed listings, as the "from" import has them
 * @param changed the first changed listings
 */
public record ImportDiff(String fromImportId, String toImportId, long addedCount, long removedCount,
        long changedCount, long unchangedCount, List<Entry> added, List<Entry> removed, List<Change> changed) {

    /**
     * Checks the components and copies the lists.
     *
     * @param fromImportId the earlier import's id
     * @param toImportId the later import's id
     * @param addedCount how many listings only the "to" import has
     * @param removedCount how many listings only the "from" import has
     * @param changedCount how many listings both have with a different price or score
     * @param unchangedCount how many listings both have with the same price and score
     * @param added the first added listings, as the "to" import has them
     * @param removed the first removed listings, as the "from" import has them
     * @param changed the first changed listings
     * @throws NullPointerException if an id or a list is null, or a list holds null
     * @throws IllegalArgumentException if a count is negative or smaller than its list
     */
    public ImportDiff {
        Objects.requireNonNull(fromImportId, "fromImportId");
        Objects.requireNonNull(toImportId, "toImportId");
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        checkCount("addedCount", addedCount, added.size());
        checkCount("removedCount", removedCount, removed.size());
        checkCount("changedCount", changedCount, changed.size());
        checkCount("unchangedCount", unchangedCount, 0);
    }

    private static void checkCount(String name, long count, int listed) {
        if (count < listed) {
            throw new IllegalArgumentException(name + " must be >= the " + listed + " entries listed, was " + count);
        }
    }

    /** {@return true if the lists hold every added, removed and changed listing, i.e. no limit cut them short} */
    public boolean isComplete() {
        return added.size() == addedCount && removed.size() == removedCount && changed.size() == changedCount;
    }

    @Override
    public String toString() {
        return "diff of import " + fromImportId + " to import " + toImportId + ": " + addedCount + " added, "
                + removedCount + " removed, " + changedCount + " changed, " + unchangedCount + " unchanged";
    }

    /**
     * A listing that only one of the two imports has.
     *
     * @param sourceUrl the listing's address
     * @param canonicalModel the listing's model, as that import spells it
     * @param price the price of that import's first row for the listing, in USD
     * @param score the score of the same row
     * @param rowCount how many rows of that import are this listing, {@code >= 1}
     */
    public record Entry(String sourceUrl, String canonicalModel, BigDecimal price, double score, int rowCount) {
        /**
         * Checks the components.
         *
         * @param sourceUrl the listing's address
         * @param canonicalModel the listing's model, as that import spells it
         * @param price the price of that import's first row for the listing, in USD
         * @param score the score of the same row
         * @param rowCount how many rows of that import are this listing, {@code >= 1}
         * @throws NullPointerException if {@code sourceUrl}, {@code canonicalModel} or {@code price} is null
         * @throws IllegalArgumentException if {@code rowCount < 1}
         */
        public Entry {
            Objects.requireNonNull(sourceUrl, "sourceUrl");
            Objects.requireNonNull(canonicalModel, () -> "canonicalModel is null for " + sourceUrl);
            Objects.requireNonNull(price, () -> "price is null for " + sourceUrl);
            if (rowCount < 1) {
                throw new IllegalArgumentException("rowCount must be >= 1 for " + sourceUrl + ", was " + rowCount);
            }
        }

        @Override
        public String toString() {
            return sourceUrl + " (" + canonicalModel + "): " + price.toPlainString() + " USD, score " + score;
        }
    }

    /**
     * A listing that both imports have, with a different price or score.
     *
     * @param sourceUrl the listing's address
     * @param canonicalModel the listing's model, as the "to" import spells it
     * @param fromPrice the price in the "from" import, in USD
     * @param toPrice the price in the "to" import, in USD
     * @param fromScore the score in the "from" import
     * @param toScore the score in the "to" import
     * @param fromRowCount how many rows of the "from" import are this listing, {@code >= 1}
     * @param toRowCount how many rows of the "to" import are this listing, {@code >= 1}
     */
    public record Change(String sourceUrl, String canonicalModel, BigDecimal fromPrice, BigDecimal toPrice,
            double fromScore, double toScore, int fromRowCount, int toRowCount) {
        /** Decimal places of {@link #priceChangePercent()}. */
        public static final int PERCENT_SCALE = 2;

        /**
         * Checks the components.
         *
         * @param sourceUrl the listing's address
         * @param canonicalModel the listing's model, as the "to" import spells it
         * @param fromPrice the price in the "from" import, in USD
         * @param toPrice the price in the "to" import, in USD
         * @param fromScore the score in the "from" import
         * @param toScore the score in the "to" import
         * @param fromRowCount how many rows of the "from" import are this listing, {@code >= 1}
         * @param toRowCount how many rows of the "to" import are this listing, {@code >= 1}
         * @throws NullPointerException if {@code sourceUrl}, {@code canonicalModel} or a price is null
         * @throws IllegalArgumentException if a row count is below 1
         */
        public Change {
            Objects.requireNonNull(sourceUrl, "sourceUrl");
            Objects.requireNonNull(canonicalModel, () -> "canonicalModel is null for " + sourceUrl);
            Objects.requireNonNull(fromPrice, () -> "fromPrice is null for " + sourceUrl);
            Objects.requireNonNull(toPrice, () -> "toPrice is null for " + sourceUrl);
            if (fromRowCount < 1 || toRowCount < 1) {
                throw new IllegalArgumentException("row counts must be >= 1 for " + sourceUrl + ", were "
                        + fromRowCount + " and " + toRowCount);
            }
        }

        /** {@return {@code toPrice - fromPrice}, exactly: negative when the price fell} */
        public BigDecimal priceChange() {
            return toPrice.subtract(fromPrice);
        }

        /**
         * Returns the price change as a percentage of {@code fromPrice}, rounded half-up to
         * {@value #PERCENT_SCALE} decimal places ({@code 10.00} for 100 to 110), or empty if {@code fromPrice} is
         * zero.
         *
         * @return the percentage, or empty if {@code fromPrice} is zero
         */
        public Optional<BigDecimal> priceChangePercent() {
            if (fromPrice.signum() == 0) {
                return Optional.empty();
            }
            return Optional.of(priceChange().movePointRight(2).divide(fromPrice, PERCENT_SCALE, RoundingMode.HALF_UP));
        }

        /** {@return {@code toScore - fromScore}} */
        public double scoreChange() {
            return toScore - fromScore;
        }

        @Override
        public String toString() {
            return sourceUrl + " (" + canonicalModel + "): " + fromPrice.toPlainString() + " -> "
                    + toPrice.toPlainString() + " USD, score " + fromScore + " -> " + toScore;
        }
    }
}
