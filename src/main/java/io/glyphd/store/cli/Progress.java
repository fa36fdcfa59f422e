package io.glyphd.store.cli;

import io.glyphd.store.Listing;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.function.LongFunction;

/**
 * Counts listings as an import reads them and, if enabled, shows the count on one updating line of stderr every
 * {@code every} listings ("Read 50000 listings...", or what {@code line} makes of the count). {@link #close()} ends
 * that line. Not thread-safe.
 */
final class Progress implements Iterator<Listing>, AutoCloseable {
    static final long EVERY = 50_000;

    private final Iterator<Listing> listings;
    private final PrintWriter err;
    private final boolean enabled;
    private final long every;
    private final LongFunction<String> line;
    private long count;
    private boolean shown;

    Progress(Iterator<Listing> listings, PrintWriter err, boolean enabled, long every) {
        this(listings, err, enabled, every, count -> "Read " + count + " listings...");
    }

    Progress(Iterator<Listing> listings, PrintWriter err, boolean enabled, long every, LongFunction<String> line) {
        this.listings = listings;
        this.err = err;
        this.enabled = enabled;
        this.every = every;
        this.line = line;
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
            err.print("\r" + line.apply(count));
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
