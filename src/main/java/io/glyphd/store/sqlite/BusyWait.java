package io.glyphd.store.sqlite;

import java.util.function.Consumer;
import org.sqlite.BusyHandler;

/**
 * The busy handler of every connection of one store: while another connection or process holds the lock a statement
 * needs, SQLite calls it to ask whether to wait and try again. It sleeps briefly and says yes until the calling
 * operation's deadline (the store's lock wait, counted from when the operation began waiting), and says no at once
 * if the thread is interrupted or the store is closing, so that a waiting operation can fail cleanly. SQLite's own
 * busy timeout cannot do that: it sleeps in native code that ignores both, and polls only every 100 ms, which lets a
 * newcomer overtake a writer that has waited long.
 *
 * <p>SQLite calls the handler on the thread that runs the statement, and a pooled connection belongs to one thread
 * at a time, so the deadline is kept per thread.
 */
final class BusyWait extends BusyHandler {
    /** Sleeps between polls, in ms: short at first, as most waits are for a short write. */
    private static final int[] PAUSES_MS = {1, 2, 5, 10, 10, 20};

    private final long lockWaitNanos;
    private final ThreadLocal<Wait> current = new ThreadLocal<>();
    /** When the current wait of a statement outside an operation began. */
    private final ThreadLocal<long[]> unscopedStart = ThreadLocal.withInitial(() -> new long[1]);
    private volatile boolean closing;

    /** What one operation waits under: its deadline, and who is told once it starts to wait. */
    private static final class Wait {
        final long deadline;
        final Consumer<String> onWait;
        boolean told;

        Wait(long deadline, Consumer<String> onWait) {
            this.deadline = deadline;
            this.onWait = onWait;
        }
    }

    BusyWait(long lockWaitNanos) {
        this.lockWaitNanos = lockWaitNanos;
    }

    /**
     * Makes the statements this thread runs until {@link #end()} wait at most until {@code deadline} (a
     * {@link System#nanoTime()} value); {@code onWait} hears once, when the first wait begins.
     */
    void begin(long deadline, Consumer<String> onWait) {
        current.set(new Wait(deadline, onWait));
    }

    void end() {
        current.remove();
    }

    /** Makes every wait end at once, on every thread: the store is closing. */
    void close() {
        closing = true;
    }

    @Override
    protected int callback(int previousCalls) {
        Wait wait = current.get();
        long deadline;
        if (wait == null) {
            // A statement outside an operation (opening the store): it may wait the lock wait from its first call.
            long[] start = unscopedStart.get();
            if (previousCalls == 0) {
                start[0] = System.nanoTime();
            }
            deadline = start[0] + lockWaitNanos;
        } else {
            deadline = wait.deadline;
            if (!wait.told) {
                wait.told = true;
                wait.onWait.accept("another connection or process");
            }
        }
        long left = deadline - System.nanoTime();
        if (closing || left <= 0 || Thread.currentThread().isInterrupted()) {
            return 0;
        }
        long pause = PAUSES_MS[Math.min(previousCalls, PAUSES_MS.length - 1)] * 1_000_000L;
        try {
            Thread.sleep(Math.max(1, Math.min(pause, left) / 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        return 1;
    }
}
