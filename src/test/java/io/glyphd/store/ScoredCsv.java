package io.glyphd.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small RFC 4180 reader for the pipeline's scored CSV files in {@code src/test/resources/data}, for tests only
 * (the real reader is built elsewhere): quoted fields may hold commas, doubled quotes and line breaks; records end
 * with CRLF or LF.
 */
final class ScoredCsv {
    private static List<Listing> wamatek;

    private ScoredCsv() {
    }

    /** Returns the 10,530 listings of {@code data/wamatek_scored.csv}, in file order, without provenance. */
    static synchronized List<Listing> wamatek() {
        if (wamatek == null) {
            wamatek = List.copyOf(listings(parse(resource("/data/wamatek_scored.csv"))));
        }
        return wamatek;
    }

    private static String resource(String name) {
        try (InputStream in = ScoredCsv.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Maps records (the first one the header) to listings; empty fields become null. */
    static List<Listing> listings(List<List<String>> records) {
        Map<String, Integer> header = new HashMap<>();
        for (int i = 0; i < records.get(0).size(); i++) {
            header.put(records.get(0).get(i), i);
        }
        List<Listing> listings = new ArrayList<>(records.size() - 1);
        for (List<String> r : records.subList(1, records.size())) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("record " + (listings.size() + 1) + " has " + r.size()
                        + " fields, the header " + header.size());
            }
            listings.add(Listing.builder()
                    .canonicalModel(field(r, header, "canonical_model"))
                    .price(new BigDecimal(field(r, header, "price")))
                    .score(Double.parseDouble(field(r, header, "score")))
                    .sourceUrl(field(r, header, "source_url"))
                    .region(field(r, header, "geographic_region"))
                    .title(field(r, header, "title"))
                    .condition(field(r, header, "condition"))
                    .seller(field(r, header, "seller"))
                    .sourceType(field(r, header, "source_type"))
                    // The pipeline writes Available or Unavailable in its quantity column.
                    .availability(field(r, header, "quantity"))
                    .vramGb(integer(field(r, header, "vram_gb")))
                    .migSupport(integer(field(r, header, "mig_capable")))
                    .nvlink(field(r, header, "nvlink") == null ? null : Boolean.valueOf(field(r, header, "nvlink")))
                    .generation(field(r, header, "generation"))
                    .formFactor(field(r, header, "form_factor"))
                    .matchScore(field(r, header, "match_score") == null ? null
                            : Double.valueOf(field(r, header, "match_score")))
                    .build());
        }
        return listings;
    }

    /** Reads a whole number the pipeline writes as a float, e.g. {@code 12.0}. */
    private static Integer integer(String value) {
        return value == null ? null : new BigDecimal(value).intValueExact();
    }

    private static String field(List<String> record, Map<String, Integer> header, String name) {
        Integer index = header.get(name);
        if (index == null) {
            throw new IllegalArgumentException("no column " + name + " in " + header.keySet());
        }
        String value = record.get(index);
        return value.isEmpty() ? null : value;
    }

    /** Splits CSV text into records of fields, per RFC 4180 (CRLF or LF line ends; a final line end optional). */
    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStarted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0 && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                records.add(record);
                record = new ArrayList<>();
                field.setLength(0);
                fieldStarted = false;
            } else {
                field.append(c);
                fieldStarted = true;
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field in record " + (records.size() + 1));
        }
        if (fieldStarted || field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
