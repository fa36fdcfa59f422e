package io.glyphd.store.cli;

import io.glyphd.store.Listing;
import java.io.PrintWriter;
import java.util.Iterator;

/**
 * Counts listings as an import reads them and, if enabled, shows the count on one updating line of stderr every
 * {@code every} listings. {@link #close()} ends that line. Not thread-safe.
 */
final class Progress implements Iterator<Listing>, AutoCloseable {
    static final long EVERY = 50_000;

    private final Iterator<Listing> listings;
    private final PrintWriter err;
    private final boolean enabled;
    private final long every;
    private long count;
    private boolean shown;

    Progress(Iterator<Listing> listings, PrintWriter err, boolean enabled, long every) {
        this.listings = listings;
        this.err = err;
        this.enabled = enabled;
        this.every = every;
    }

    @Override
    public boolean hasNext() {
        return listings.hasNext();
    }

    @Override
    public Listing next() {
        Listing listing = listings.next();
        count++;
        if (enabled && count % every == 0) {
            err.print("\rRead " + count + " listings...");
            err.flush();
            shown = true;
        }
        return listing;
    }

    @Override
    public void close() {
        if (shown) {
            err.println();
            err.flush();
        }
    }
}
