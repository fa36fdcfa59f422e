package io.glyphd.store;

import static io.glyphd.store.TestListings.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.sqlite.SqliteListingStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ListingStore#streamListings}'s default implementation, for stores that do not override it: run on a real
 * SQLite store seen through a {@link ListingStore} that forwards every abstract method to it and records the limits
 * of the pages asked for.
 */
class DefaultStreamListingsTest {
    private final SqliteListingStore real = SqliteListingStore.temporary();
    private final List<Integer> pageLimits = new ArrayList<>();
    private final ListingStore store = forwarding();

    @AfterEach
    void close() {
        real.close();
    }

    private ListingStore forwarding() {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            if (method.getName().equals("queryPage")) {
                pageLimits.add(((ListingQuery) args[0]).limit());
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (ListingStore) Proxy.newProxyInstance(ListingStore.class.getClassLoader(),
                new Class<?>[] {ListingStore.class}, handler);
    }

    @Test
    void readsEveryMatchInOrderInPagesOfAtMostStreamPageLimit() {
        int rows = 2 * ListingQuery.STREAM_PAGE_LIMIT + 1;
        real.insertListings(sample(rows), "big");
        ListingQuery query = ListingQuery.builder().orderBy(ListingQuery.Order.PRICE_ASC)
                .limit(ListingQuery.MAX_LIMIT).build();

        List<Listing> read;
        try (Stream<Listing> listings = store.streamListings(query)) {
            read = listings.toList();
        }

        assertThat(read).hasSize(rows).containsExactlyElementsOf(real.queryListings(query));
        assertThat(pageLimits).containsOnly(ListingQuery.STREAM_PAGE_LIMIT).hasSize(3);
    }

    @Test
    void aSmallerLimitIsThePageSize() {
        real.insertListings(sample(5), "small");

        try (Stream<Listing> listings = store.streamListings(ListingQuery.builder().limit(2).build())) {
            assertThat(listings).extracting(Listing::importIndex).containsExactly(1, 2, 3, 4, 5);
        }
        assertThat(pageLimits).containsExactly(2, 2, 2);
    }

    @Test
    void needsOffsetZero() {
        assertThatThrownBy(() -> store.streamListings(ListingQuery.builder().offset(1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset must be 0");
        assertThat(pageLimits).isEmpty();
    }
}
