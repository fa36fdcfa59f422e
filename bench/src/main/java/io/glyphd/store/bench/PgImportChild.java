package io.glyphd.store.bench;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.postgres.PostgresListingStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Imports into a PostgreSQL store through the public API, in its own JVM with the benchmark's heap limit, and prints
 * {@code RESULT rows nanos vmhwm_kb cpu_nanos}. After the warm-up it prints {@code READY} and waits for a line on
 * its standard input, so that the benchmark can read the server's counters just before the timed part. Arguments: the JDBC URL of the (fresh) database, the source, the
 * import id, the warm-up row count and the JDBC URL of a scratch database for the warm-up. Sources: a CSV path,
 * {@code generate:SEED:ROWS:FIRST_ID} for listings built in memory, or {@code daily:SEED:DAYS:ROWS:STEP} for a year
 * of daily imports ({@link ListingGenerator#daily}), one {@code importListings} call each, timed together; or
 * {@code schema} to create the store's schema and exit. Timed: the
 * import calls (opening the store, which creates or checks the schema, is not).
 */
public final class PgImportChild {
    private PgImportChild() {
    }

    private static PostgresListingStore open(String url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        return PostgresListingStore.builder(dataSource).build();
    }

    private static Iterator<Listing> limit(Iterator<Listing> listings, int max) {
        return new Iterator<>() {
            private int taken;

            @Override
            public boolean hasNext() {
                return taken < max && listings.hasNext();
            }

            @Override
            public Listing next() {
                taken++;
                return listings.next();
            }
        };
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String source = args[1];
        if (source.equals("schema")) {
            // Only create the store's schema (in a template database), with this build's schema.sql.
            open(url).close();
            return;
        }
        String importId = args[2];
        int warmup = Integer.parseInt(args[3]);
        if (warmup > 0) {
            try (PostgresListingStore scratch = open(args[4])) {
                if (source.endsWith(".csv")) {
                    try (CsvListings listings = new CsvListings(Path.of(source))) {
                        scratch.importListings(limit(listings, warmup), ImportRequest.of("warmup"));
                    }
                } else {
                    scratch.importListings(ListingGenerator.listings(1L, warmup, 1L), ImportRequest.of("warmup"));
                }
            }
        }
        try (PostgresListingStore store = open(url)) {
            System.out.println("READY");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            long cpuStart = Proc.cpuNanos();
            long start = System.nanoTime();
            long rows = 0;
            String[] spec = source.split(":");
            if (spec[0].equals("generate")) {
                rows = store.importListings(ListingGenerator.listings(Long.parseLong(spec[1]),
                        Integer.parseInt(spec[2]), Long.parseLong(spec[3])),
                        new ImportRequest(importId, "generated", null)).recordCount();
            } else if (spec[0].equals("daily")) {
                int days = Integer.parseInt(spec[2]);
                for (int day = 0; day < days; day++) {
                    rows += store.importListings(ListingGenerator.daily(Long.parseLong(spec[1]), day, days,
                            Integer.parseInt(spec[3]), Integer.parseInt(spec[4])),
                            new ImportRequest(dailyId(day), "daily scrape", null)).recordCount();
                }
            } else {
                try (CsvListings listings = new CsvListings(Path.of(source))) {
                    rows = store.importListings(listings, new ImportRequest(importId, source, null)).recordCount();
                }
            }
            long nanos = System.nanoTime() - start;
            long cpu = Proc.cpuNanos() - cpuStart;
            System.out.println("RESULT " + rows + " " + nanos + " " + Proc.peakRssKb() + " " + cpu);
        }
    }

    /** Returns the import id of day {@code day} (0-based) of the daily layout: day-001 to day-365. */
    static String dailyId(int day) {
        return "day-%03d".formatted(day + 1);
    }
}
