package io.glyphd.store.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.glyphd.store.Listing;
import io.glyphd.store.internal.CsvCells;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Reads CSV with a header line, one record per row, through jackson-dataformat-csv. */
final class CsvListingReader extends ListingReader {
    private static final CsvFactory FACTORY = CsvFactory.builder()
            .streamReadConstraints(CONSTRAINTS)
            .errorReportConfiguration(ERROR_REPORTS)
            .enable(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    /** Most header names a message lists. */
    private static final int MAX_LISTED = 30;

    private final JsonParser parser;
    private final String[] headers;
    /** Target of each column, by position; null for a column that is not a listing field. */
    private final Column[] targets;
    private final List<String> cells = new ArrayList<>();
    /** Whether the header is exactly {@link ListingWriter}'s, whose text cells carry {@link CsvCells}' apostrophe. */
    private final boolean storeFormat;
    /** Values of the current row beyond the header's columns: counted, not kept. */
    private int extraValues;
    private long record;
    /** Line the next record starts on, barring blank lines. */
    private long nextLine = 1;

    CsvListingReader(Reader in, String source) {
        super(source, "column");
        try {
            parser = FACTORY.createParser(in);
        } catch (IOException e) {
            throw readFailure(0, e);
        }
        try {
            long line;
            try {
                line = nextRecord();
            } catch (FormatProblem e) {
                throw new ListingFormatException(source(), List.of(e.error(0)), 0);
            }
            if (line < 0) {
                throw formatFailure(1, null, "the file is empty; expected a header line naming the columns");
            }
            headers = cells.toArray(new String[0]);
            targets = resolve(headers);
            storeFormat = Arrays.asList(headers).equals(Column.STORE_COLUMNS.stream().map(Column::storeName).toList());
        } catch (RuntimeException e) {
            closeAfter(e);
            throw e;
        }
    }

    private Column[] resolve(String[] names) {
        if (names.length > 0 && names[0] != null && names[0].startsWith("\uFEFF")) {
            names[0] = names[0].substring(1); // byte order mark, as spreadsheets write it
        }
        Column[] columns = new Column[names.length];
        Map<Column, String> seen = new EnumMap<>(Column.class);
        Map<String, Integer> positions = new HashMap<>();
        List<String> extras = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            String name = names[i] == null ? "" : names[i].strip();
            names[i] = name;
            if (name.isEmpty()) {
                throw formatFailure(1, null, "column " + (i + 1) + " of the header has no name");
            }
            if (name.length() > MAX_NAME_LENGTH) {
                throw formatFailure(1, null, "the name of column " + (i + 1) + " is longer than " + MAX_NAME_LENGTH
                        + " characters: " + Values.quote(name));
            }
            Integer duplicate = positions.put(name, i);
            if (duplicate != null) {
                throw formatFailure(1, name, "the header names column '" + name + "' twice (columns "
                        + (duplicate + 1) + " and " + (i + 1) + ")");
            }
            Column column = Column.forName(name);
            if (column == null) {
                extras.add(name);
            } else {
                String other = seen.put(column, name);
                if (other != null) {
                    throw formatFailure(1, name, "columns '" + other + "' and '" + name + "' both give "
                            + column.storeName());
                }
            }
            columns[i] = column;
        }
        StringJoiner missing = new StringJoiner("; ");
        for (Column required : Column.REQUIRED) {
            if (!seen.containsKey(required)) {
                missing.add(required.names().size() == 1 ? required.storeName()
                        : required.storeName() + " (or " + String.join(", ", required.names().subList(1,
                                required.names().size())) + ")");
            }
        }
        if (missing.length() > 0) {
            throw formatFailure(1, null, "the header lacks required columns: " + missing
                    + "; found: " + listed(names));
        }
        extras.forEach(this::extraColumn);
        return columns;
    }

    /** Returns the names, each cut to a short excerpt, the list cut after {@value #MAX_LISTED} of them. */
    private static String listed(String[] names) {
        StringJoiner list = new StringJoiner(", ");
        for (int i = 0; i < Math.min(names.length, MAX_LISTED); i++) {
            String name = names[i];
            list.add(name.length() > Values.MAX_QUOTED ? name.substring(0, Values.MAX_QUOTED) + "..." : name);
        }
        return list + (names.length > MAX_LISTED ? " and " + (names.length - MAX_LISTED) + " more" : "");
    }

    @Override
    Listing readListing() {
        while (true) {
            long line;
            try {
                line = nextRecord();
            } catch (FormatProblem e) {
                error(e.error(record + 1));
                return null;
            }
            if (line < 0) {
                return null;
            }
            record++;
            RowBuilder row = new RowBuilder(this::error, line, record);
            if (cells.size() + extraValues != headers.length) {
                row.error(null, "expected " + headers.length + " values, found " + (cells.size() + extraValues));
                continue;
            }
            for (int i = 0; i < headers.length; i++) {
                Column column = targets[i];
                if (column == null) {
                    row.extra(headers[i], cells.get(i));
                } else {
                    String cell = cells.get(i);
                    row.cell(column, headers[i], storeFormat && column.kind() == Column.Kind.TEXT
                            ? CsvCells.unprotect(cell) : cell);
                }
            }
            Listing listing = row.build();
            if (listing != null) {
                return listing;
            }
        }
    }

    /** Reads the next row into {@link #cells}; returns the line it starts on, or -1 at the end of the input. */
    private long nextRecord() {
        cells.clear();
        extraValues = 0;
        long line = -1;
        long length = 0;
        try {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return -1;
            }
            if (token != JsonToken.START_ARRAY) {
                throw new IllegalStateException("CSV parser gave " + token + " instead of a row");
            }
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (line < 0) {
                    line = parser.currentTokenLocation().getLineNr();
                }
                String text = token == JsonToken.VALUE_NULL ? null : parser.getText();
                length += text == null ? 1 : text.length() + 1;
                if (length > MAX_RECORD_LENGTH) {
                    JsonLocation at = parser.currentTokenLocation();
                    throw new FormatProblem(at.getLineNr(), at.getColumnNr(), columnAt(cells.size()),
                            "the record is longer than " + MAX_RECORD_LENGTH + " characters");
                }
                if (headers != null && cells.size() >= headers.length) {
                    extraValues++;
                } else {
                    cells.add(text);
                }
            }
            long end = parser.currentTokenLocation().getLineNr();
            nextLine = end + 1;
            return line < 0 ? end : line;
        } catch (Utf8Reader.MalformedUtf8Exception e) {
            throw new FormatProblem(e.line(), e.character(), null, e.reason());
        } catch (CharacterCodingException e) {
            JsonLocation at = parser.currentLocation();
            throw new FormatProblem(at.getLineNr(), Math.max(1, at.getColumnNr()), null, "not valid UTF-8 text");
        } catch (StreamConstraintsException e) {
            // Only a value's length is constrained in CSV; the location is where reading stopped, inside the value.
            JsonLocation at = parser.currentLocation();
            throw new FormatProblem(at.getLineNr(), Math.max(1, at.getColumnNr()), columnAt(cells.size()),
                    "a value is longer than " + MAX_CELL_LENGTH + " characters");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation() == null ? parser.currentLocation() : e.getLocation();
            long start = line < 0 ? Math.min(nextLine, at.getLineNr()) : line;
            throw new FormatProblem(start, start == at.getLineNr() ? Math.max(1, at.getColumnNr()) : 0, null,
                    "malformed CSV: " + e.getOriginalMessage()
                    + (at.getLineNr() != start ? " (found at line " + at.getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw readFailure(parser.currentLocation().getLineNr(), e);
        }
    }

    /** Returns the header's name for the value at a position of the current row, or null. */
    private String columnAt(int index) {
        return headers != null && index < headers.length ? headers[index] : null;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw readFailure(0, e);
        }
    }

    private void closeAfter(RuntimeException failure) {
        try {
            parser.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** A problem in the CSV text itself, after which no further row can be read. */
    private static final class FormatProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long line;
        private final long character;
        private final String column;

        FormatProblem(long line, long character, String column, String reason) {
            super(reason, null, false, false);
            this.line = line;
            this.character = character;
            this.column = column;
        }

        RowError error(long record) {
            return new RowError(line, record, column, getMessage(), character);
        }
    }
}
