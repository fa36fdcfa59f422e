package io.glyphd.store.internal;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import java.util.Iterator;

/**
 * The listings of one import as a {@link BulkLoader} reads them: numbered 1..n in input order, with a null listing
 * or a failure of the caller's iterator turned into an {@link InvalidListingException} that names the row. Not
 * thread-safe, like the iterator it wraps.
 */
public final class ImportRows {
    private final Iterator<Listing> listings;
    private final ImportRequest request;
    private long row;
    private boolean done;

    ImportRows(Iterator<Listing> listings, ImportRequest request) {
        this.listings = listings;
        this.request = request;
    }

    /**
     * Returns the next listing, or null after the last one; {@link #row()} is then its row number.
     *
     * @throws InvalidListingException if the listing is null or the iterator fails on it
     * @throws StoreException as the iterator threw it
     */
    public Listing next() {
        if (done) {
            return null;
        }
        Listing listing;
        try {
            // A reader that works ahead fails in hasNext(); either way the row at fault is the next one.
            if (!listings.hasNext()) {
                done = true;
                return null;
            }
            listing = listings.next();
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw refused(row + 1, null, e.getMessage(), e);
        }
        if (row == Integer.MAX_VALUE) {
            throw refused(row + 1, null, "an import holds at most " + Integer.MAX_VALUE + " listings (importIndex is an"
                    + " int)", null);
        }
        row++;
        if (listing == null) {
            throw refused(row, null, "listing is null", null);
        }
        return listing;
    }

    /** Returns the number of the listing {@link #next()} returned last: how many have been read. */
    public long row() {
        return row;
    }

    /** Returns the import being written. */
    public ImportRequest request() {
        return request;
    }

    /** Returns an exception reading "Cannot import listings as {import}: row {row}: {why}". */
    public InvalidListingException refused(long rowNumber, String field, String why, Throwable cause) {
        return new InvalidListingException("Cannot import listings as " + request + ": row " + rowNumber + ": " + why,
                rowNumber, field, cause);
    }
}
