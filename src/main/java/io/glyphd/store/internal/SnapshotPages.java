package io.glyphd.store.internal;

import io.glyphd.store.Listing;
import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;

/**
 * The spliterator behind {@link JdbcListingStore#streamListings(ListingQuery)}: the query's keyset pages (of at most
 * {@value ListingQuery#STREAM_PAGE_LIMIT} listings), one at a time, each read when the one before it is used up, all in
 * one {@link Database.Snapshot}. The snapshot is closed (its connection released) when the last page has been read,
 * when a read fails, when the consumer throws, and when the stream is closed. Not thread-safe, as a stream's
 * spliterator need not be.
 */
final class SnapshotPages extends Spliterators.AbstractSpliterator<Listing> {
    private final Database.Snapshot snapshot;
    private final ListingQueries queries;
    private final ListingQuery query;
    private Iterator<Listing> page;
    private String nextPageToken;
    private boolean closed;

    /** Reads the first page now, so that a closed store or a failing storage fails at once. */
    SnapshotPages(Database.Snapshot snapshot, ListingQueries queries, ListingQuery query) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
        this.snapshot = snapshot;
        this.queries = queries;
        this.query = ListingQueries.streamPageQuery(query);
        read(null);
    }

    private void read(PageToken after) {
        ListingPage next = snapshot.read(c -> queries.queryPage(c, query, after));
        page = next.listings().iterator();
        nextPageToken = next.nextPageToken().orElse(null);
        if (nextPageToken == null) {
            snapshot.close(); // the last page is in memory: the stream needs the store no more
        }
    }

    @Override
    public boolean tryAdvance(Consumer<? super Listing> action) {
        while (!closed) {
            if (page.hasNext()) {
                try {
                    action.accept(page.next());
                } catch (RuntimeException | Error e) {
                    snapshot.close(); // the stream is likely abandoned; a later page read throws, never truncates
                    throw e;
                }
                return true;
            }
            if (nextPageToken == null) {
                return false;
            }
            read(PageToken.decode(nextPageToken, query));
        }
        return false;
    }

    /** Ends the snapshot, drops the page it holds and reads no further page. */
    void close() {
        closed = true;
        page = null;
        nextPageToken = null;
        snapshot.close();
    }
}
