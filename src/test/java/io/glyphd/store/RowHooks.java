package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** Inputs for an import that act while it reads them: what tests of an import's surroundings hand it. */
public final class RowHooks {
    /** How long a held input waits for its release, and a test for the hold, before giving up. */
    public static final long GIVE_UP_SECONDS = 60;

    private RowHooks() {
    }

    /** Hands out {@code source}'s listings and runs {@code action} with the row's number (from 1) before each. */
    public static Iterator<Listing> beforeEachRow(Iterator<Listing> source, IntConsumer action) {
        return new Iterator<>() {
            private int handed;

            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public Listing next() {
                action.accept(++handed);
                return source.next();
            }
        };
    }

    /** Hands out {@code source}'s listings and runs {@code action} just before handing out row {@code row}. */
    public static Iterator<Listing> actingAtRow(Iterator<Listing> source, int row, Runnable action) {
        return beforeEachRow(source, handed -> {
            if (handed == row) {
                action.run();
            }
        });
    }

    /**
     * Returns an input that hands out {@code source}'s listings and, just before row {@code row}, says so and waits
     * until {@link Held#release()}, ignoring interrupts: it holds the import reading it (its connection, and the file's
     * write turn) there.
     */
    public static Held heldAtRow(Iterator<Listing> source, int row) {
        return new Held(source, row);
    }

    /** See {@link #heldAtRow}. */
    public static final class Held implements Iterator<Listing> {
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final Iterator<Listing> rows;

        private Held(Iterator<Listing> source, int row) {
            this.rows = actingAtRow(source, row, this::hold);
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public Listing next() {
            return rows.next();
        }

        /** Waits until the import has reached the row it is held at. */
        public void awaitHeld() throws InterruptedException {
            assertThat(holding.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)).as("the import reached its hold").isTrue();
        }

        /** Lets the import go on (and any later import of this input pass the row at once). */
        public void release() {
            released.countDown();
        }

        private void hold() {
            holding.countDown();
            awaitUninterruptibly(released);
        }
    }

    /**
     * Waits for {@code latch} up to {@link #GIVE_UP_SECONDS}, ignoring interrupts (and setting the thread's flag again
     * after), so that what a test measures around the wait is never an interrupted import; fails if it runs out.
     */
    public static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (!latch.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
                        throw new AssertionError("never released within " + GIVE_UP_SECONDS + " s");
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
