package io.glyphd.store.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glyphd.store.Listing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads a {@link ListingGenerator} CSV one line at a time as {@link Listing}s, holding one row in memory: what a
 * caller streaming a file into {@code importListings(Iterator, ...)} does. Empty fields become null. Reads both
 * layouts the generator writes, told apart by the header: SQLite's ({@link ListingGenerator#HEADER}: ids, prices in
 * micro-dollars, instants in epoch microseconds) and PostgreSQL's ({@link ListingGenerator#POSTGRES_HEADER}: no id,
 * decimal prices, ISO timestamps, t/f).
 */
final class CsvListings implements Iterator<Listing>, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final BufferedReader reader;
    private final List<String> fields = new ArrayList<>(32);
    private final StringBuilder field = new StringBuilder(256);
    /** 1 for SQLite's layout, whose first column is the id; 0 for PostgreSQL's. */
    private final int shift;
    private String next;

    CsvListings(Path file) throws IOException {
        reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        String header = reader.readLine();
        shift = ListingGenerator.POSTGRES_HEADER.equals(header) ? 0 : 1;
        next = reader.readLine();
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Listing next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        split(next);
        try {
            next = reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return toListing();
    }

    private Listing toListing() {
        Map<String, Object> heuristics;
        try {
            heuristics = f(29) == null ? null : JSON.readValue(f(29), MAP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean postgres = shift == 0;
        return Listing.builder()
                .canonicalModel(f(3))
                .price(postgres ? new BigDecimal(f(4)) : BigDecimal.valueOf(Long.parseLong(f(4)), 6))
                .score(Double.parseDouble(f(5)))
                .vramGb(integer(6)).tdpWatts(integer(7)).migSupport(integer(8))
                .nvlink(f(9) == null ? null : "1".equals(f(9)) || "t".equals(f(9))).generation(f(10))
                .cudaCores(integer(11))
                .slotWidth(f(12) == null ? null : Double.valueOf(f(12))).pcieGeneration(integer(13)).formFactor(f(14))
                .title(f(15)).condition(f(16)).quantity(integer(17)).availability(f(18)).minOrderQty(integer(19))
                .seller(f(20)).region(f(21)).sourceUrl(f(22)).sourceType(f(23))
                .seenAt(f(24) == null ? null : postgres ? timestamp(f(24)) : micros(Long.parseLong(f(24))))
                .matchType(f(25))
                .matchScore(f(26) == null ? null : Double.valueOf(f(26))).notes(f(27)).warnings(f(28))
                .heuristics(heuristics)
                .build();
    }

    /** Reads the generator's "2025-05-24 17:42:46.455228+00". */
    private static Instant timestamp(String text) {
        return Instant.parse(text.replace(' ', 'T').replace("+00", "Z"));
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** Returns field {@code i} of SQLite's layout (0 is the id), or null if empty. */
    private String f(int i) {
        String value = fields.get(i - 1 + shift);
        return value.isEmpty() ? null : value;
    }

    private Integer integer(int i) {
        String value = f(i);
        return value == null ? null : Integer.valueOf(value);
    }

    private void split(String line) {
        fields.clear();
        int i = 0;
        int n = line.length();
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                field.setLength(0);
                i++;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c != '"') {
                        field.append(c);
                    } else if (i < n && line.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                fields.add(field.toString());
            } else {
                int comma = line.indexOf(',', i);
                int stop = comma < 0 ? n : comma;
                fields.add(line.substring(i, stop));
                i = stop;
            }
            if (i >= n) {
                return;
            }
            i++; // the comma
            if (i == n) {
                fields.add("");
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
