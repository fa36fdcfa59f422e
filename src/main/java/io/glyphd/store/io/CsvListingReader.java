package io.glyphd.store.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
            .enable(CsvParser.Feature.EMPTY_UNQUOTED_STRING_AS_NULL)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private final JsonParser parser;
    private final String[] headers;
    /** Target of each column, by position; null for a column that is not a listing field. */
    private final Column[] targets;
    private final List<String> cells = new ArrayList<>();
    /** Whether the header is exactly {@link ListingWriter}'s, whose text cells carry {@link CsvCells}' apostrophe. */
    private final boolean storeFormat;
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
                throw formatFailure(e.line, null, e.getMessage());
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
                    + "; found: " + String.join(", ", names));
        }
        extras.forEach(this::extraColumn);
        return columns;
    }

    @Override
    Listing readListing() {
        while (true) {
            long line;
            try {
                line = nextRecord();
            } catch (FormatProblem e) {
                error(new RowError(e.line, record + 1, null, e.getMessage()));
                return null;
            }
            if (line < 0) {
                return null;
            }
            record++;
            RowBuilder row = new RowBuilder(this::error, line, record);
            if (cells.size() != headers.length) {
                row.error(null, "expected " + headers.length + " values, found " + cells.size());
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
        long line = -1;
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
                cells.add(token == JsonToken.VALUE_NULL ? null : parser.getText());
            }
            long end = parser.currentTokenLocation().getLineNr();
            nextLine = end + 1;
            return line < 0 ? end : line;
        } catch (CharacterCodingException e) {
            throw new FormatProblem(parser.currentLocation().getLineNr(), "not valid UTF-8 text");
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? parser.currentLocation().getLineNr() : e.getLocation().getLineNr();
            long start = line < 0 ? Math.min(nextLine, at) : line;
            throw new FormatProblem(start, "malformed CSV: " + e.getOriginalMessage()
                    + (at != start ? " (found at line " + at + ")" : ""));
        } catch (IOException e) {
            throw readFailure(parser.currentLocation().getLineNr(), e);
        }
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

        FormatProblem(long line, String reason) {
            super(reason, null, false, false);
            this.line = line;
        }
    }
}
