package io.glyphd.store.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.SequenceWriter;
import io.glyphd.store.Listing;
import io.glyphd.store.internal.CsvCells;
import io.glyphd.store.internal.JsonCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * JSON and CSV output for the analytics commands ({@code history}, {@code diff}, {@code stats}): prices as exact
 * plain decimals, scores with every digit, times as ISO-8601, absent values as JSON null or an empty CSV cell.
 */
final class Output {
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();
    /** A number as {@code toPlainString()} or {@code Double.toString} writes it, which a spreadsheet cannot run. */
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)(E-?\\d+)?");

    private Output() {
    }

    /** Writes one JSON document; {@code body} writes the value. The writer stays open. */
    static void json(PrintWriter out, JsonBody body) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
        out.println();
    }

    /** Writes the content of one JSON value. */
    @FunctionalInterface
    interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    /** Writes a price as an exact JSON number, or null. */
    static void price(JsonGenerator json, String field, BigDecimal price) throws IOException {
        json.writeFieldName(field);
        if (price == null) {
            json.writeNull();
        } else {
            json.writeNumber(price);
        }
    }

    /** Writes a listing as {@code query --format json} does (component names, null for absent values). */
    static void listing(JsonGenerator json, String field, Listing listing) throws IOException {
        json.writeFieldName(field);
        JsonCodec.mapper().writeValue(json, listing);
    }

    /**
     * Writes a header and rows as RFC 4180 CSV; null cells are empty, and a text cell that a spreadsheet would run as
     * a formula gets a leading apostrophe ({@link CsvCells}); numbers are written as they are. The writer stays open.
     */
    static void csv(PrintWriter out, List<String> header, List<String[]> rows) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        header.forEach(schema::addColumn);
        try (SequenceWriter writer = CSV.writer(schema.build()).writeValues(out)) {
            for (String[] row : rows) {
                String[] safe = new String[row.length];
                for (int i = 0; i < row.length; i++) {
                    safe[i] = row[i] == null || NUMBER.matcher(row[i]).matches() ? row[i] : CsvCells.protect(row[i]);
                }
                writer.write(safe);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write CSV", e);
        }
        out.flush();
    }

    /** Returns a price as plain text, or null. */
    static String plain(BigDecimal price) {
        return price == null ? null : price.toPlainString();
    }

    /** Returns a value as text, or null. */
    static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
