package io.glyphd.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of an ordered listing query, and the token that reads the next one; see
 * {@link ListingStore#queryPage(ListingQuery, String)}.
 *
 * @param listings the page's listings in the query's order, at most the query's limit; empty only if nothing matched
 *        after the previous page
 * @param nextPageToken the opaque token for the next page of the same query; empty if this is the last page
 */
public record ListingPage(List<Listing> listings, Optional<String> nextPageToken) {
    /**
     * Copies the listings.
     *
     * @param listings the page's listings in the query's order, at most the query's limit; empty only if nothing
     *        matched after the previous page
     * @param nextPageToken the opaque token for the next page of the same query; empty if this is the last page
     * @throws NullPointerException if {@code listings}, one of them, or {@code nextPageToken} is null
     */
    public ListingPage {
        listings = List.copyOf(listings);
        Objects.requireNonNull(nextPageToken, "nextPageToken");
    }

    /** {@return true if there is a next page} */
    public boolean hasNext() {
        return nextPageToken.isPresent();
    }
}
