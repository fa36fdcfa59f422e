package io.glyphd.store.internal;

import java.util.Iterator;

/**
 * Passes an iterator through and remembers whether it was ever asked for anything, so that a unit of work that
 * failed before touching its input can safely run again. Not thread-safe, like the iterator it wraps.
 */
public final class TrackedIterator<T> implements Iterator<T> {
    private final Iterator<T> delegate;
    private boolean touched;

    /** Wraps {@code delegate}. */
    public TrackedIterator(Iterator<T> delegate) {
        this.delegate = delegate;
    }

    /** Returns true once {@link #hasNext()} or {@link #next()} has been called: the input may have moved on. */
    public boolean touched() {
        return touched;
    }

    @Override
    public boolean hasNext() {
        touched = true;
        return delegate.hasNext();
    }

    @Override
    public T next() {
        touched = true;
        return delegate.next();
    }
}
