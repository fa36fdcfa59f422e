package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.InvalidListingException;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.RandomListings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property-style round trips through a real store over seeded random input (see {@link RandomListings}): any
 * valid listing reads back equal, component for component, under any valid import id; filters match stored
 * values literally (ignoring ASCII case only); and a listing that breaks a rule, met in the middle of an import,
 * stops it with an {@link InvalidListingException} naming the row and the field while nothing is written.
 */
class RoundTripPropertiesTest {
    private static final int LISTINGS = 120;

    @TempDir
    Path dir;
    private SqliteListingStore store;

    @BeforeEach
    void open() {
        store = new SqliteListingStore(dir.resolve("listings.sqlite3"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    private List<Listing> all() {
        return store.queryListings(ListingQuery.builder().limit(ListingQuery.MAX_LIMIT).build());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anyValidListingReadsBackEqualUnderAnyValidImportId(long seed) {
        RandomListings random = new RandomListings(seed);
        List<Listing> listings = random.valid(LISTINGS);
        String importId = random.importId();
        String source = random.text(100);

        store.insertListings(listings, new ImportRequest(importId, source, null));

        List<Listing> expected = IntStream.range(0, LISTINGS)
                .mapToObj(i -> listings.get(i).withProvenance(importId, i + 1)).toList();
        assertThat(all()).containsExactlyElementsOf(expected);
        assertThat(store.findImport(importId)).get().satisfies(m -> {
            assertThat(m.importId()).isEqualTo(importId);
            assertThat(m.source()).isEqualTo(source);
            assertThat(m.recordCount()).isEqualTo(LISTINGS);
        });
        assertThat(store.listImports()).extracting(ImportMetadata::importId).containsExactly(importId);
        assertThat(store.countListings(ListingQuery.builder().importId(importId).build())).isEqualTo(LISTINGS);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void filtersMatchStoredTextLiterallyIgnoringOnlyAsciiCase(long seed) {
        RandomListings random = new RandomListings(seed);
        List<Listing> listings = random.valid(LISTINGS);
        store.insertListings(listings, "b");

        for (Listing probe : listings.subList(0, 20)) {
            assertMatches(listings, Listing::canonicalModel, probe.canonicalModel(),
                    ListingQuery.builder().model(probe.canonicalModel()));
            if (probe.region() != null) {
                assertMatches(listings, Listing::region, probe.region(), ListingQuery.builder().region(probe.region()));
            }
            if (probe.condition() != null) {
                String flipped = flipAsciiCase(probe.condition());
                assertMatches(listings, Listing::condition, flipped, ListingQuery.builder().condition(flipped));
            }
        }
    }

    private void assertMatches(List<Listing> stored, Function<Listing, String> field, String value,
            ListingQuery.Builder query) {
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            String text = field.apply(stored.get(i));
            if (text != null && asciiLower(text).equals(asciiLower(value))) {
                expected.add(i + 1);
            }
        }
        assertThat(store.queryListings(query.limit(ListingQuery.MAX_LIMIT).build()))
                .as("listings whose field equals %s ignoring ASCII case", value)
                .extracting(Listing::importIndex).containsExactlyElementsOf(expected);
    }

    /** Lower-cases A-Z only, as SQLite's NOCASE does. */
    private static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return b.toString();
    }

    private static String flipAsciiCase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                b.append(Character.toUpperCase(c));
            } else if (c >= 'A' && c <= 'Z') {
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anInvalidListingMetMidImportNamesTheRowAndFieldAndWritesNothing(long seed) {
        RandomListings random = new RandomListings(seed);
        List<Listing> earlier = random.valid(10);
        store.insertListings(earlier, "earlier");
        List<Listing> before = all();

        List<RandomListings.Invalid> ways = new ArrayList<>(random.invalid());
        Collections.shuffle(ways, random.random());
        for (RandomListings.Invalid invalid : ways.subList(0, 8)) {
            int badRow = 1 + random.random().nextInt(SqliteImporter.BATCH_SIZE + 10);
            String importId = random.random().nextBoolean() ? "earlier" : "new";

            assertThatThrownBy(() -> store.importListings(reader(random, badRow, invalid),
                    ImportRequest.of(importId))).as(invalid.description())
                    .isInstanceOfSatisfying(InvalidListingException.class,
                            e -> assertThat(e.rowIndex()).isEqualTo(badRow))
                    .hasMessageContaining("import " + importId).hasMessageContaining("row " + badRow)
                    .hasMessageContaining(invalid.field());
        }

        assertThat(all()).isEqualTo(before);
        assertThat(store.listImports()).extracting(ImportMetadata::importId).containsExactly("earlier");
        assertThat(store.verify().ok()).isTrue();
    }

    /** An input that yields valid listings and, at {@code badRow}, fails to build one, as a file reader would. */
    private static Iterator<Listing> reader(RandomListings random, int badRow, RandomListings.Invalid invalid) {
        Listing template = Objects.requireNonNull(random.valid());
        return new Iterator<>() {
            private int row;

            @Override
            public boolean hasNext() {
                return row < badRow + 5;
            }

            @Override
            public Listing next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                row++;
                if (row == badRow) {
                    invalid.build().run();
                    throw new AssertionError("expected " + invalid + " to be refused");
                }
                return template.toBuilder().title(String.format(Locale.ROOT, "row %d", row)).build();
            }
        };
    }
}
