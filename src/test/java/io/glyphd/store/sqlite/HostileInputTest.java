package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.RandomListings;
import io.glyphd.store.internal.ListingQueries;
import io.glyphd.store.internal.Sql;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input written to attack or confuse SQL: injection strings, LIKE wildcards, quotes and backslashes are stored
 * and matched as plain text, never run or expanded; every value reaches SQLite as a bound parameter and only the
 * {@link ListingQuery.Order} enum chooses SQL text.
 */
class HostileInputTest {
    private static final ListingQueries QUERIES = new ListingQueries(SqliteDialect.INSTANCE);
    private static final List<String> HOSTILE = List.of(
            "'; DROP TABLE listings; --", "' OR '1'='1", "\" OR \"\"=\"", "RTX%", "%", "_", "__", "%_%", "[a-z]*",
            "\\", "\\%", "a' || 'b", "x'); DELETE FROM imports; --", "1; ATTACH DATABASE '/tmp/x' AS x; --",
            "NULL", "*/ SELECT 1 /*", "?", "?1", ":name", "$1", "@p");

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

    private static Listing listing(String text) {
        return Listing.builder().canonicalModel(text).region(text).condition(text).title(text).price("1").score(0.5)
                .build();
    }

    @Test
    void hostileTextIsStoredAndMatchedLiterallyInEveryFilter() {
        List<Listing> listings = new ArrayList<>();
        HOSTILE.forEach(text -> listings.add(listing(text)));
        listings.add(listing("RTX_4090"));
        listings.add(listing("plain"));
        store.insertListings(listings, "b");

        for (int i = 0; i < HOSTILE.size(); i++) {
            String text = HOSTILE.get(i);
            int index = i + 1;
            assertThat(store.queryListings(ListingQuery.builder().model(text).build())).as(text)
                    .singleElement().satisfies(l -> {
                        assertThat(l.importIndex()).isEqualTo(index);
                        assertThat(l.canonicalModel()).isEqualTo(text);
                    });
            assertThat(store.countListings(ListingQuery.builder().region(text).build())).as(text).isEqualTo(1);
            assertThat(store.countListings(ListingQuery.builder().condition(text).build())).as(text).isEqualTo(1);
        }
        assertThat(store.countListings(ListingQuery.all())).isEqualTo(listings.size());
        assertThat(store.verify().ok()).isTrue();
    }

    @Test
    void hostileImportIdsAreStoredFoundAndDeletedLiterally() {
        for (String id : HOSTILE) {
            store.insertListings(List.of(listing("A")), ImportRequest.of(id));
        }
        store.insertListings(List.of(listing("A")), "plain");

        assertThat(store.listImports()).extracting(ImportMetadata::importId)
                .containsExactlyInAnyOrderElementsOf(concat(HOSTILE, "plain"));
        for (String id : HOSTILE) {
            assertThat(store.findImport(id)).as(id).get().extracting(ImportMetadata::importId).isEqualTo(id);
            assertThat(store.countListings(ListingQuery.builder().importId(id).build())).as(id).isEqualTo(1);
        }
        assertThat(store.deleteImport("%")).isTrue();
        assertThat(store.deleteImport("' OR '1'='1")).isTrue();
        assertThat(store.listImports()).hasSize(HOSTILE.size() + 1 - 2);
        assertThat(store.findImport("plain")).isPresent();
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> all = new ArrayList<>(list);
        all.add(last);
        return all;
    }

    @Test
    void caseIsIgnoredForAsciiLettersOnly() {
        store.insertListings(List.of(listing("RTX_4090"), listing("Grafikkarte É"), listing("STRASSE")), "b");

        assertThat(store.countListings(ListingQuery.builder().model("rtx_4090").build())).isEqualTo(1);
        assertThat(store.countListings(ListingQuery.builder().model("grafikkarte é").build())).isZero();
        assertThat(store.countListings(ListingQuery.builder().model("Grafikkarte É").build())).isEqualTo(1);
        assertThat(store.countListings(ListingQuery.builder().model("straße").build())).isZero();
    }

    @Test
    void aFilterValueWithNulMatchesNothingAndAStoredValueCannotHoldOne() {
        store.insertListings(List.of(listing("a"), listing("a b")), "b");

        assertThat(store.countListings(ListingQuery.builder().model("a\0").build())).isZero();
        assertThat(store.countListings(ListingQuery.builder().region("a\0b").build())).isZero();
        assertThatThrownBy(() -> listing("a\0x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("canonicalModel must not contain NUL");
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void noFilterValueEverBecomesSqlText(long seed) {
        RandomListings random = new RandomListings(seed);
        // Each value starts with a word that SQL text never holds, so "not in the text" means what it says.
        String model = "model:" + random.text(50) + HOSTILE.get(random.random().nextInt(HOSTILE.size()));
        String region = "region:" + HOSTILE.get(random.random().nextInt(HOSTILE.size())) + random.text(10);
        String condition = "condition:" + random.text(30) + "'";
        String importId = "import:" + random.importId() + "\"";
        Instant seenAfter = random.instant();
        ListingQuery query = ListingQuery.builder().model(model).region(region).condition(condition)
                .importId(importId).minScore(-1.0).maxScore(1.0).minPrice(new BigDecimal("0.5"))
                .maxPrice(random.price().max(BigDecimal.ONE)).seenAfter(seenAfter).seenBefore(seenAfter.plusSeconds(1))
                .orderBy(ListingQuery.Order.values()[random.random().nextInt(ListingQuery.Order.values().length)])
                .limit(1 + random.random().nextInt(ListingQuery.MAX_LIMIT)).offset(random.random().nextInt(1000))
                .build();

        for (Sql sql : List.of(QUERIES.listingSql().select(QUERIES.selectListings(), query),
                QUERIES.listingSql().count(query))) {
            for (String value : List.of(model, region, condition, importId)) {
                assertThat(sql.text()).doesNotContain(value);
                assertThat(sql.parameters()).contains(value);
            }
            assertThat(sql.text().chars().filter(c -> c == '?').count()).isEqualTo(sql.parameters().size());
            assertThat(sql.text()).doesNotContain("'").doesNotContain("LIKE").doesNotContain("GLOB");
        }
        assertThat(store.queryListings(query)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ListingQuery.Order.class)
    void theSortOrderIsFixedTextChosenByTheEnum(ListingQuery.Order order) {
        String orderBy = QUERIES.listingSql().orderBy(order);

        assertThat(orderBy).matches("[a-z_.]+ (ASC|DESC), [a-z_.]+ (ASC|DESC)");
    }
}
