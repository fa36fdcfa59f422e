package io.glyphd.store;

import java.time.Duration;
import java.util.Objects;

/**
 * Which imports {@link ListingStore#prune(RetentionPolicy, boolean)} keeps: the newest {@code keepNewest} of each
 * source, and every import imported within {@code maxAge}. An import is removed only if no rule that is set keeps it;
 * with both set, an import is kept if it is among the newest of its source <em>or</em> young enough.
 *
 * <p>"Newest" is by {@link ImportMetadata#importedAt()} (which a re-import refreshes), ties by import id. Imports
 * without a source count as one source of their own.
 *
 * @param keepNewest how many imports of each source to keep, at least 1; null for no such rule
 * @param maxAge keep every import imported within this long before the prune, positive; null for no such rule
 */
public record RetentionPolicy(Integer keepNewest, Duration maxAge) {

    /**
     * Checks the rules.
     *
     * @param keepNewest how many imports of each source to keep, at least 1; null for no such rule
     * @param maxAge keep every import imported within this long, positive; null for no such rule
     * @throws IllegalArgumentException if neither rule is set, {@code keepNewest} is below 1, or {@code maxAge} is
     *         not positive
     */
    public RetentionPolicy {
        if (keepNewest == null && maxAge == null) {
            throw new IllegalArgumentException("a retention policy needs keepNewest or maxAge (or both); with"
                    + " neither it would remove every import");
        }
        if (keepNewest != null && keepNewest < 1) {
            throw new IllegalArgumentException("keepNewest must be >= 1, was " + keepNewest);
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
        }
    }

    /**
     * Returns a policy that keeps the newest {@code count} imports of each source.
     *
     * @param count how many imports of each source to keep, at least 1
     * @return the policy
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public static RetentionPolicy keepNewest(int count) {
        return new RetentionPolicy(count, null);
    }

    /**
     * Returns a policy that keeps the imports imported within {@code age}.
     *
     * @param age how long before the prune an import must have been imported to be kept, positive
     * @return the policy
     * @throws IllegalArgumentException if {@code age} is not positive
     * @throws NullPointerException if {@code age} is null
     */
    public static RetentionPolicy maxAge(Duration age) {
        return new RetentionPolicy(null, Objects.requireNonNull(age, "maxAge"));
    }

    /**
     * Returns this policy, also keeping every import imported within {@code age}.
     *
     * @param age how long before the prune an import must have been imported to be kept, positive
     * @return a policy with both rules
     * @throws IllegalArgumentException if {@code age} is not positive
     * @throws NullPointerException if {@code age} is null
     */
    public RetentionPolicy orWithin(Duration age) {
        return new RetentionPolicy(keepNewest, Objects.requireNonNull(age, "maxAge"));
    }
}
