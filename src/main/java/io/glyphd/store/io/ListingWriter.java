package io.glyphd.store.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.CsvCells;
import io.glyphd.store.internal.JsonCodec;
import java.io.IOException;
import java.io.Writer;
import java.util.Objects;

/**
 * Writes listings in the store's own formats, which {@link ListingReader} reads back into equal listings (apart from
 * their provenance, which the importing store assigns anew).
 *
 * <ul>
 *   <li>CSV: a header and one row per listing, one snake_case column per {@link Listing} component in component
 *       order ({@code canonical_model, price, score, vram_gb, ..., heuristics, import_id, import_index,
 *       offer_rows});
 *       {@code heuristics} as JSON text, {@code seen_at} as ISO-8601 UTC, prices in plain decimal, absent values
 *       as empty cells and empty text as {@code ""};</li>
 *   <li>JSON: an array of listing objects whose fields are the component names ({@code canonicalModel},
 *       {@code price}, ...), with null for absent values.</li>
 * </ul>
 * A text whose whole value is {@code nan} (in any case) reads back as absent.
 *
 * <p>CSV text cells that a spreadsheet would run as a formula (starting with {@code =}, {@code +}, {@code -},
 * {@code @}, a tab or a carriage return, after any apostrophes) are written with one more leading apostrophe, as
 * spreadsheets expect for text; {@link ListingReader} removes it again from a file with this header, so the text
 * reads back exactly. Numbers and the heuristics JSON are never changed.
 *
 * <p>Not thread-safe. {@link #close()} finishes the document and flushes, but leaves the {@code Writer} open.
 */
public final class ListingWriter implements AutoCloseable {
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();
    private static final CsvSchema SCHEMA;

    static {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        Column.STORE_COLUMNS.forEach(column -> schema.addColumn(column.storeName()));
        SCHEMA = schema.build();
    }

    private final ListingFormat format;
    private final SequenceWriter sequence;
    private boolean closed;

    private ListingWriter(ListingFormat format, SequenceWriter sequence) {
        this.format = format;
        this.sequence = sequence;
    }

    /**
     * Starts a document on {@code out}.
     *
     * @param out where to write; not closed by this writer
     * @param format the format
     * @return the writer
     * @throws StoreException if writing fails
     */
    public static ListingWriter open(Writer out, ListingFormat format) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(format, "format");
        try {
            SequenceWriter sequence = switch (format) {
                case CSV -> CSV.writer(SCHEMA).writeValues(out);
                case JSON -> json().writeValuesAsArray(out);
            };
            return new ListingWriter(format, sequence);
        } catch (IOException e) {
            throw new StoreException("Cannot write listings as " + format + ": " + e.getMessage(), e);
        }
    }

    private static ObjectWriter json() {
        return JsonCodec.mapper().writerWithDefaultPrettyPrinter().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /**
     * Writes one listing.
     *
     * @param listing the listing
     * @throws StoreException if writing fails
     * @throws IllegalStateException if the writer is closed
     */
    public void write(Listing listing) {
        Objects.requireNonNull(listing, "listing");
        if (closed) {
            throw new IllegalStateException("the ListingWriter is closed");
        }
        try {
            if (format == ListingFormat.CSV) {
                sequence.write(row(listing));
            } else {
                sequence.write(listing);
            }
        } catch (IOException e) {
            throw new StoreException("Cannot write " + describe(listing) + " as " + format + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Listing listing) {
        return listing.importId() == null ? listing.canonicalModel()
                : "import " + listing.importId() + " row " + listing.importIndex();
    }

    private static String[] row(Listing l) {
        return new String[] {
            cell(l.canonicalModel()), l.price().toPlainString(), Double.toString(l.score()), text(l.vramGb()),
            text(l.tdpWatts()), text(l.migSupport()), text(l.nvlink()), cell(l.generation()), text(l.cudaCores()),
            text(l.slotWidth()), text(l.pcieGeneration()), cell(l.formFactor()), cell(l.title()),
            cell(l.condition()), text(l.quantity()), cell(l.availability()), text(l.minOrderQty()), cell(l.seller()),
            cell(l.region()), cell(l.sourceUrl()), cell(l.sourceType()), text(l.seenAt()), cell(l.matchType()),
            text(l.matchScore()), cell(l.notes()), cell(l.warnings()), JsonCodec.writeObject(l.heuristics()),
            cell(l.importId()), text(l.importIndex()), text(l.offerRows()),
        };
    }

    /** Returns a text cell that a spreadsheet will not run; see {@link CsvCells}. */
    private static String cell(String text) {
        return CsvCells.protect(text);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /**
     * Finishes the document (the closing {@code ]} in JSON) and flushes; the {@code Writer} stays open. Closing
     * twice does nothing.
     *
     * @throws StoreException if writing fails
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sequence.close();
        } catch (IOException e) {
            throw new StoreException("Cannot finish writing listings as " + format + ": " + e.getMessage(), e);
        }
    }
}
