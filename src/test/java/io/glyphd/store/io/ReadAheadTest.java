package io.glyphd.store.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
    @AfterEach
    void noReadingThreadIsLeft() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (readingThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(readingThreads()).isZero();
    }

    private static long readingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("glyphd-store-read-ahead-")).count();
    }

    @Test
    void yieldsEveryElementInOrderAcrossBatches() {
        List<Integer> all = IntStream.range(0, 10_007).boxed().toList();
        List<Integer> read = new ArrayList<>();
        try (ReadAhead<Integer> ahead = new ReadAhead<>(all.iterator(), 1000, 2)) {
            ahead.forEachRemaining(read::add);
            assertThat(ahead.hasNext()).isFalse();
            assertThatThrownBy(ahead::next).isInstanceOf(NoSuchElementException.class);
        }
        assertThat(read).isEqualTo(all);
    }

    @Test
    void anEmptySourceYieldsNothing() {
        try (ReadAhead<Integer> ahead = new ReadAhead<>(List.<Integer>of().iterator())) {
            assertThat(ahead.hasNext()).isFalse();
        }
    }

    @Test
    void theSourcesExceptionComesAfterItsEarlierElementsAsItIs() {
        IllegalArgumentException bad = new IllegalArgumentException("row 2500 is bad");
        Iterator<Integer> source = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 2500) {
                    throw bad;
                }
                return next++;
            }
        };
        List<Integer> read = new ArrayList<>();
        try (ReadAhead<Integer> ahead = new ReadAhead<>(source, 1000, 2)) {
            assertThatThrownBy(() -> ahead.forEachRemaining(read::add)).isSameAs(bad);
            assertThatThrownBy(ahead::hasNext).isSameAs(bad);
        }
        assertThat(read).isEqualTo(IntStream.range(0, 2500).boxed().toList());
    }

    @Test
    void anErrorOnTheReadingThreadReachesTheCaller() {
        Iterator<Integer> source = IntStream.range(0, 5).mapToObj(i -> {
            if (i == 3) {
                throw new AssertionError("broken");
            }
            return i;
        }).iterator();
        try (ReadAhead<Integer> ahead = new ReadAhead<>(source)) {
            assertThatThrownBy(() -> ahead.forEachRemaining(i -> { })).isInstanceOf(AssertionError.class)
                    .hasMessage("broken");
        }
    }

    @Test
    void aBadRowGivesTheSameErrorAsTheReaderItself() {
        StringBuilder csv = new StringBuilder("canonical_model,price,score\n");
        for (int i = 1; i <= 3000; i++) {
            csv.append("M").append(i).append(',').append(i == 1700 || i == 2900 ? "abc" : "1.5").append(",0.5\n");
        }
        ListingFormatException direct = readAll(ListingReader.open(new StringReader(csv.toString()), ListingFormat.CSV,
                "f.csv"));
        List<Listing> read = new ArrayList<>();
        try (ListingReader reader = ListingReader.open(new StringReader(csv.toString()), ListingFormat.CSV, "f.csv");
                ReadAhead<Listing> ahead = new ReadAhead<>(reader)) {
            assertThatThrownBy(() -> ahead.forEachRemaining(read::add)).isInstanceOf(ListingFormatException.class)
                    .hasMessage(direct.getMessage());
        }
        assertThat(direct.getMessage()).contains("line 1701").contains("line 2901");
        assertThat(read).hasSize(1699).extracting(Listing::canonicalModel).startsWith("M1", "M2").endsWith("M1699");
    }

    private static ListingFormatException readAll(ListingReader reader) {
        try (reader) {
            reader.forEachRemaining(l -> { });
        } catch (ListingFormatException e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    @Test
    void closingEarlyStopsTheReadingThread() {
        AtomicInteger made = new AtomicInteger();
        Iterator<Integer> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return made.incrementAndGet();
            }
        };
        ReadAhead<Integer> ahead = new ReadAhead<>(endless, 100, 2);
        assertThat(ahead.next()).isEqualTo(1);
        assertThat(ahead.next()).isEqualTo(2);
        ahead.close();
        assertThat(ahead.reading()).isFalse();
        int after = made.get();
        assertThat(after).isLessThanOrEqualTo(100 * 4);
        assertThat(made.get()).isEqualTo(after);
        assertThatThrownBy(ahead::hasNext).isInstanceOf(IllegalStateException.class);
        ahead.close();
    }

    @Test
    void closingStopsAThreadBlockedInItsSource() throws InterruptedException {
        CountDownLatch inSource = new CountDownLatch(1);
        Iterator<Integer> slow = new Iterator<>() {
            @Override
            public boolean hasNext() {
                inSource.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
                return false;
            }

            @Override
            public Integer next() {
                throw new NoSuchElementException();
            }
        };
        ReadAhead<Integer> ahead = new ReadAhead<>(slow);
        assertThat(inSource.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        ahead.close();
        assertThat(ahead.reading()).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(ReadAhead.STOP_MILLIS);
    }

    @Test
    void anInterruptedCallerStopsReadingAndKeepsItsInterrupt() throws InterruptedException {
        CountDownLatch inSource = new CountDownLatch(1);
        Iterator<Integer> slow = new Iterator<>() {
            @Override
            public boolean hasNext() {
                inSource.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }

            @Override
            public Integer next() {
                throw new NoSuchElementException();
            }
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        AtomicReference<ReadAhead<Integer>> made = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try (ReadAhead<Integer> ahead = new ReadAhead<>(slow)) {
                made.set(ahead);
                ahead.hasNext();
            } catch (RuntimeException e) {
                thrown.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        assertThat(inSource.await(5, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(StoreException.class).hasMessageContaining("Interrupted");
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(made.get().reading()).isFalse();
    }
}
