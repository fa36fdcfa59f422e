package io.glyphd.store.io;

import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real pipeline files under src/test/resources/data, and helpers shared by the io tests. */
final class TestFiles {
    static final String WAMATEK = "wamatek_scored.csv";
    static final String SCORED_SAMPLE = "scored_sample.csv";
    static final int WAMATEK_ROWS = 10_530;

    private TestFiles() {
    }

    /** Copies a resource of src/test/resources/data into {@code dir} and returns the copy. */
    static Path copy(String name, Path dir) {
        Path target = dir.resolve(name);
        try (InputStream in = TestFiles.class.getResourceAsStream("/data/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource data/" + name);
            }
            Files.copy(in, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    static Path write(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every listing of a file. */
    static List<Listing> readAll(Path file) {
        try (ListingReader reader = ListingReader.open(file)) {
            List<Listing> listings = new ArrayList<>();
            reader.forEachRemaining(listings::add);
            return listings;
        }
    }

    /** Returns every listing of an import, in import order, paging past the query limit. */
    static List<Listing> queryAll(ListingStore store, String importId) {
        List<Listing> all = new ArrayList<>();
        while (true) {
            List<Listing> page = store.queryListings(ListingQuery.builder().importId(importId)
                    .orderBy(ListingQuery.Order.IMPORT_ORDER).limit(ListingQuery.MAX_LIMIT).offset(all.size()).build());
            all.addAll(page);
            if (page.size() < ListingQuery.MAX_LIMIT) {
                return all;
            }
        }
    }

    /** Returns the listings without their provenance, to compare what was read with what was stored. */
    static List<Listing> withoutProvenance(List<Listing> listings) {
        return listings.stream().map(l -> l.withProvenance(null, null)).toList();
    }
}
