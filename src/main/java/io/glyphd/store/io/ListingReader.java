package io.glyphd.store.io;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads listings one at a time from a pipeline file, in CSV or JSON, for
 * {@link io.glyphd.store.ListingStore#importListings(Iterator, io.glyphd.store.ImportRequest)}. Only the current
 * record is held in memory, so a file of any size can be imported.
 *
 * <pre>{@code
 * try (ListingReader reader = ListingReader.open(Path.of("wamatek_scored.csv"))) {
 *     store.importListings(reader, new ImportRequest("wamatek-2025-07-29", "wamatek_scored.csv", null));
 * }
 * }</pre>
 *
 * <p>Columns (CSV) and fields (JSON) are matched by name, ignoring case, with camelCase and snake_case alike;
 * each {@link Listing} component also accepts the pipeline's names for it:
 * <ul>
 *   <li>{@code canonical_model}, {@code price} ({@code price_usd}) and {@code score} are required;</li>
 *   <li>{@code tdp_watts} also as {@code tdp_w} or {@code tdp}; {@code mig_support} as {@code mig_capable};
 *       {@code slot_width} as {@code slots}; {@code region} as {@code geographic_region}; {@code vram_gb} as
 *       {@code vram}; {@code pcie_generation} as {@code pcie_gen}; {@code generation} as {@code architecture};
 *       {@code source_url} as {@code url}; {@code min_order_qty} as {@code min_order_quantity} or {@code moq};
 *       {@code quantity} as {@code qty};</li>
 *   <li>{@code quantity}: a number is the quantity; text such as {@code Available} or {@code Unavailable} is the
 *       availability (or, if the record also has an {@code availability}, kept in heuristics as
 *       {@code quantity});</li>
 *   <li>{@code heuristics}: a JSON object (JSON text in CSV), merged with the columns below;</li>
 *   <li>{@code import_id} and {@code import_index} are ignored: the store numbers each import itself.</li>
 * </ul>
 * The pipeline's columns without a component, {@code model}, {@code listing_age}, {@code bulk_notes},
 * {@code unknown_reason}, {@code match_notes}, {@code is_valid_gpu} (as a boolean) and
 * {@code quantization_capacity} (as a number), go to {@code heuristics} under their own names, and so does any
 * other column, with one warning per column for the first {@value #MAX_WARNINGS} and a count of the rest (see
 * {@link #extraColumns()}); empty values are left out.
 * {@code listing_age} (e.g. {@code Current}) is the marketplace's relative age, not a time, so {@code seenAt} is
 * set only from a {@code seen_at} column.
 *
 * <p>Values: whole numbers may be written as floats ({@code 12.0}), but {@code 12.5} is an error in a whole-number
 * column; booleans are {@code true}/{@code false} in any case, {@code 1}/{@code 0} or {@code 1.0}/{@code 0.0};
 * {@code seen_at} is ISO-8601, e.g. {@code 2025-07-29T12:00:00Z} (a time without a zone is UTC). An empty cell
 * and {@code nan}/{@code NaN} are absent, in every column; in CSV, a quoted empty text ({@code ""}) is an empty
 * text. A missing or NaN {@code score} is an error.
 *
 * <p>Bad records: reading goes on past a bad record to report as many as possible; at the end of the input,
 * {@link #hasNext()} throws one {@link ListingFormatException} listing up to {@value #MAX_ERRORS} problems, each
 * with its line, column and reason. A store importing from the reader then rolls back, so a bad file writes
 * nothing. A CSV header lacking a required column fails in {@code open}, before any record is read.
 *
 * <p>Not thread-safe. Close the reader to close its file.
 */
public abstract sealed class ListingReader implements Iterator<Listing>, AutoCloseable
        permits CsvListingReader, JsonListingReader {
    /** Most problems a {@link ListingFormatException} lists; the rest are counted. */
    public static final int MAX_ERRORS = 20;
    /** Most extra columns (or fields) a reader names in a warning of its own; the rest are counted. */
    public static final int MAX_WARNINGS = 20;
    private static final int MAX_NAME_IN_WARNING = 100;

    /**
     * Longest value, in characters, of any one cell (CSV) or string (JSON), checked as it is read: a longer one
     * ends reading with a {@link ListingFormatException} naming its line, character column and column.
     */
    public static final int MAX_CELL_LENGTH = 1_000_000;
    /** Longest record, in characters of its values (CSV) or strings and numbers (JSON), checked as it is read. */
    public static final int MAX_RECORD_LENGTH = 4_000_000;
    /** Longest name of a CSV column or JSON field, in characters. */
    public static final int MAX_NAME_LENGTH = 200;
    /** Deepest nesting of JSON arrays and objects, the outer array and each listing object included. */
    public static final int MAX_NESTING_DEPTH = 100;

    /** The parser limits every reader applies: cells, JSON numbers and nesting. */
    static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(MAX_CELL_LENGTH)
            .maxNumberLength(Values.MAX_NUMBER_LENGTH)
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .build();
    /** Parser messages quote at most a short excerpt of the input. */
    static final ErrorReportConfiguration ERROR_REPORTS = ErrorReportConfiguration.builder()
            .maxErrorTokenLength(Values.MAX_QUOTED)
            .maxRawContentLength(Values.MAX_QUOTED)
            .build();

    private static final Logger LOG = LoggerFactory.getLogger(ListingReader.class);

    private final String source;
    private final String columnNoun;
    private final List<RowError> errors = new ArrayList<>();
    private final Set<String> extraColumns = new LinkedHashSet<>();
    private long moreErrors;
    private Listing next;
    private boolean ended;
    private ListingFormatException failure;

    ListingReader(String source, String columnNoun) {
        this.source = source;
        this.columnNoun = columnNoun;
    }

    /**
     * Opens a file, in the format its name implies ({@link ListingFormat#of(Path)}).
     *
     * @param file the file, UTF-8
     * @return a reader positioned before the first listing
     * @throws IllegalArgumentException if the file name has no known extension
     * @throws ListingFormatException if the file is empty or its header lacks a required column
     * @throws StoreException if the file cannot be opened
     */
    public static ListingReader open(Path file) {
        return open(file, ListingFormat.of(file));
    }

    /**
     * Opens a file in the given format.
     *
     * @param file the file, UTF-8
     * @param format its format
     * @return a reader positioned before the first listing
     * @throws ListingFormatException if the file is empty or its header lacks a required column
     * @throws StoreException if the file cannot be opened
     */
    public static ListingReader open(Path file, ListingFormat format) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        String source = file.toString();
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new StoreException("Cannot read " + source + ": no such file", e);
        } catch (IOException e) {
            throw new StoreException("Cannot read " + source + ": " + e, e);
        }
        return open(in, format, source);
    }

    /**
     * Reads from a stream of UTF-8 bytes, e.g. a classpath resource; closing the reader closes the stream.
     *
     * @param in the content, UTF-8
     * @param format its format
     * @param source how messages name the input, e.g. a file name
     * @return a reader positioned before the first listing
     * @throws ListingFormatException if the input is empty or its header lacks a required column
     * @throws StoreException if the input cannot be read
     */
    public static ListingReader open(InputStream in, ListingFormat format, String source) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(source, "source");
        try {
            return switch (format) {
                case CSV -> new CsvListingReader(new Utf8Reader(in), source);
                case JSON -> new JsonListingReader(new Utf8Reader(in), source);
            };
        } catch (RuntimeException e) {
            closeQuietly(in, e);
            throw e;
        }
    }

    /**
     * Reads characters, e.g. text already in memory; closing the reader closes {@code in}.
     *
     * @param in the content
     * @param format its format
     * @param source how messages name the input
     * @return a reader positioned before the first listing
     * @throws ListingFormatException if the input is empty or its header lacks a required column
     * @throws StoreException if the input cannot be read
     */
    public static ListingReader open(Reader in, ListingFormat format, String source) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(source, "source");
        try {
            return switch (format) {
                case CSV -> new CsvListingReader(in, source);
                case JSON -> new JsonListingReader(in, source);
            };
        } catch (RuntimeException e) {
            closeQuietly(in, e);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable in, RuntimeException failure) {
        try {
            in.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Returns true if another listing follows.
     *
     * @throws ListingFormatException at the end of the input if any record was bad; nothing after the first bad
     *         record is returned
     * @throws StoreException if the input cannot be read
     */
    @Override
    public final boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (failure != null) {
            throw failure;
        }
        while (!ended) {
            Listing listing = readListing();
            if (listing == null) {
                ended = true;
                summariseExtraColumns();
            } else if (errors.isEmpty()) {
                next = listing;
                return true;
            }
        }
        if (!errors.isEmpty()) {
            failure = new ListingFormatException(source, errors, moreErrors);
            throw failure;
        }
        return false;
    }

    /**
     * Returns the next listing.
     *
     * @throws NoSuchElementException if there is none
     * @throws ListingFormatException at the end of the input if any record was bad
     * @throws StoreException if the input cannot be read
     */
    @Override
    public final Listing next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more listings in " + source);
        }
        Listing listing = next;
        next = null;
        return listing;
    }

    /** {@return the remaining listings as a sequential stream; closing the stream closes this reader} */
    public final Stream<Listing> stream() {
        Spliterator<Listing> listings = Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(listings, false).onClose(this::close);
    }

    /** {@return the columns or fields seen so far that are not listing fields, kept in heuristics; in file order} */
    public final Set<String> extraColumns() {
        return Collections.unmodifiableSet(extraColumns);
    }

    /** {@return how the input is named in messages} */
    public final String source() {
        return source;
    }

    /**
     * Closes the input.
     *
     * @throws StoreException if closing fails
     */
    @Override
    public abstract void close();

    /**
     * Returns the next good listing, or null at the end of the input. Reports bad records through
     * {@link #error(RowError)} and skips them; a problem that prevents reading further ends the input.
     */
    abstract Listing readListing();

    final void error(RowError error) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(error);
        } else {
            moreErrors++;
        }
    }

    /**
     * Notes a column that is not a listing field, warning once per name for the first {@value #MAX_WARNINGS} names;
     * after those, one more warning says that further ones go unreported, and the end of the input says how many
     * there were in all.
     */
    final void extraColumn(String name) {
        if (!extraColumns.add(name)) {
            return;
        }
        if (extraColumns.size() <= MAX_WARNINGS) {
            LOG.warn("{}: {} '{}' is not a listing field; its values are kept in heuristics", source, columnNoun,
                    excerpt(name));
        } else if (extraColumns.size() == MAX_WARNINGS + 1) {
            LOG.warn("{}: more {}s are not listing fields (the first: '{}'); their values are kept in heuristics too,"
                    + " and no more are named", source, columnNoun, excerpt(name));
        }
    }

    /** Says, at the end of the input, how many extra columns there were if not every one was named. */
    private void summariseExtraColumns() {
        if (extraColumns.size() > MAX_WARNINGS) {
            LOG.warn("{}: {} {}s in all are not listing fields ({} named above); their values are kept in heuristics",
                    source, extraColumns.size(), columnNoun, MAX_WARNINGS);
        }
    }

    /** Returns a column name short enough for a log line, with control characters escaped. */
    private static String excerpt(String name) {
        String cut = name.length() > MAX_NAME_IN_WARNING ? name.substring(0, MAX_NAME_IN_WARNING) + "..." : name;
        StringBuilder safe = new StringBuilder(cut.length());
        cut.chars().forEach(c -> safe.append(Character.isISOControl(c) ? String.format("\\x%02X", c)
                : String.valueOf((char) c)));
        return safe.toString();
    }

    /** Returns a failure to read the input at a line, for an I/O error. */
    final StoreException readFailure(long line, IOException e) {
        return new StoreException("Cannot read " + source + (line > 0 ? " at line " + line : "") + ": "
                + e.getMessage(), e);
    }

    /** Throws the one problem of an input that cannot be read at all, e.g. an empty file or a bad header. */
    final ListingFormatException formatFailure(long line, String column, String reason) {
        return new ListingFormatException(source, List.of(new RowError(line, 0, column, reason)), 0);
    }
}
