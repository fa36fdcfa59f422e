package io.glyphd.store.io;

import io.glyphd.store.StoreException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an iterator, such as a {@link ListingReader}, on a thread of its own, a few batches ahead of its caller, so that
 * parsing a file and storing its listings use two cores:
 *
 * <pre>{@code
 * try (ListingReader reader = ListingReader.open(file);
 *         ReadAhead<Listing> listings = new ReadAhead<>(reader)) {
 *     store.importListings(listings, request);
 * }
 * }</pre>
 *
 * <p>It yields the source's elements in their order and then, if the source threw, throws that same exception from
 * {@link #hasNext()} where the source threw it (after the elements it gave before), so a reader's errors keep their
 * type, message and row. At most {@value #BATCHES} batches of {@value #BATCH} elements wait between the threads.
 * {@link #close()} stops the reading thread and waits for it; close this before the source. Used by one thread.
 *
 * @param <T> the element type
 */
public final class ReadAhead<T> implements Iterator<T>, AutoCloseable {
    /** Elements handed from the reading thread at a time. */
    public static final int BATCH = 1_000;
    /** Most batches waiting for the caller. */
    public static final int BATCHES = 4;
    /** How long {@link #close()} waits for a reading thread blocked in its source, in milliseconds. */
    static final long STOP_MILLIS = 10_000;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Object END = new Object();

    private final Iterator<? extends T> source;
    private final int batchSize;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean stopped;
    private List<T> batch = List.of();
    private int position;
    private boolean ended;
    private Throwable failure;
    private boolean closed;

    /**
     * Starts reading {@code source} on a new daemon thread.
     *
     * @param source the elements; used only by the reading thread from now on
     */
    public ReadAhead(Iterator<? extends T> source) {
        this(source, BATCH, BATCHES);
    }

    ReadAhead(Iterator<? extends T> source, int batchSize, int batches) {
        this.source = Objects.requireNonNull(source, "source");
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(batches);
        this.thread = new Thread(this::read, "glyphd-store-read-ahead-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** The reading thread: batches of elements, then {@link #END} or the source's exception. */
    private void read() {
        List<T> next = new ArrayList<>(batchSize);
        Object last = END;
        try {
            while (!stopped && source.hasNext()) {
                next.add(source.next());
                if (next.size() == batchSize) {
                    if (!put(next)) {
                        return;
                    }
                    next = new ArrayList<>(batchSize);
                }
            }
        } catch (Throwable e) {
            last = new Failure(e);
        }
        if (!next.isEmpty() && !put(next)) {
            return;
        }
        put(last);
    }

    /** Hands an item to the caller; false if the caller stopped reading. */
    private boolean put(Object item) {
        try {
            queue.put(item);
            return !stopped;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Returns true if another element follows.
     *
     * @throws RuntimeException the exception the source threw, once its earlier elements are taken
     * @throws StoreException if the calling thread is interrupted while it waits; reading stops
     * @throws IllegalStateException if this is closed
     */
    @Override
    public boolean hasNext() {
        if (position < batch.size()) {
            return true;
        }
        if (closed) {
            throw new IllegalStateException("the read-ahead is closed");
        }
        if (failure != null) {
            throw rethrow(failure);
        }
        if (ended) {
            return false;
        }
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new StoreException("Interrupted while waiting for the reading thread", e);
        }
        if (item == END) {
            ended = true;
            return false;
        }
        if (item instanceof Failure f) {
            failure = f.cause();
            throw rethrow(failure);
        }
        @SuppressWarnings("unchecked")
        List<T> elements = (List<T>) item;
        batch = elements;
        position = 0;
        return true;
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new StoreException("Reading failed: " + e, e);
    }

    /**
     * Returns the next element.
     *
     * @throws NoSuchElementException if there is none
     * @throws RuntimeException as {@link #hasNext()}
     */
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T element = batch.get(position);
        batch.set(position++, null);
        return element;
    }

    /**
     * Stops the reading thread, if it is still reading, and waits for it to end (up to {@value #STOP_MILLIS} ms if
     * it is blocked in its source and does not answer an interrupt). Closing twice does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopped = true;
        batch = List.of();
        thread.interrupt();
        queue.clear(); // frees a put waiting for room, should the interrupt come before it
        boolean interrupted = false;
        long deadline = System.nanoTime() + STOP_MILLIS * 1_000_000;
        while (thread.isAlive()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            try {
                thread.join(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        queue.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@return true while the reading thread runs; for tests} */
    boolean reading() {
        return thread.isAlive();
    }

    /** The source's exception, handed over in the queue. */
    private record Failure(Throwable cause) {
    }
}
