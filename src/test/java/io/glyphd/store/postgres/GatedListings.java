package io.glyphd.store.postgres;

import io.glyphd.store.Listing;
import io.glyphd.store.TestListings;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Listings for an import that stops after {@code gateAt} rows until the test opens the gate, so that a test can act
 * while the import's transaction is open and has already sent rows to the server.
 */
final class GatedListings implements Iterator<Listing> {
    private final int total;
    private final int gateAt;
    private final String model;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private int handed;

    GatedListings(int total, int gateAt, String model) {
        this.total = total;
        this.gateAt = gateAt;
        this.model = model;
    }

    /** Waits until the import has asked for {@code gateAt} rows. */
    void awaitGate() throws InterruptedException {
        if (!reached.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the import never reached row " + gateAt);
        }
    }

    /** Lets the import go on. */
    void open() {
        gate.countDown();
    }

    @Override
    public boolean hasNext() {
        if (handed == gateAt) {
            reached.countDown();
            try {
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return handed < total;
    }

    @Override
    public Listing next() {
        if (handed >= total) {
            throw new NoSuchElementException();
        }
        handed++;
        return TestListings.listing(model, String.valueOf(100 + handed % 900), (handed % 1000) / 1000.0);
    }
}
