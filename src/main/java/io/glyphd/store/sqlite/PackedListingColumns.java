package io.glyphd.store.sqlite;

import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.internal.ListingRow;
import io.glyphd.store.internal.Prices;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The listing columns as SQLite returns them fastest: the text and integer columns packed into one value by
 * {@code concat()}, read with one driver call per row instead of one per column. sqlite-jdbc spends most of the time
 * of mapping a wide row in its per-column calls (a synchronized JNI call each, and for text a direct buffer made
 * through JNI and copied out), far more than SQLite spends building the packed value.
 *
 * <p>The packed value holds the fields in column order: an integer as its decimal digits and a comma, a text as its
 * length in UTF-8 bytes, a colon and its bytes exactly as stored; a SQL NULL is the comma or colon alone (no digits).
 * A length delimits the text, so nothing a text holds can be taken for a delimiter. The {@code PLAIN} columns are
 * selected as themselves; the packed value takes the first packed column's place and the other packed columns are
 * NULL placeholders, so that every column keeps its number. Built once per store; immutable, thread-safe.
 */
final class PackedListingColumns implements ListingRow.Layout {
    private final String selectList;
    /** The column holding the packed value. */
    private final int packColumn;
    /** Per column number, its field in the packed value, or -1 if it is selected as itself. */
    private final int[] fieldOf;
    /** Per field, whether it is a text. */
    private final boolean[] text;

    PackedListingColumns(List<ListingRow.Column> columns) {
        fieldOf = new int[columns.size() + 1];
        Arrays.fill(fieldOf, -1);
        List<String> packed = new ArrayList<>();
        List<Boolean> texts = new ArrayList<>();
        int first = -1;
        for (int column = 1; column <= columns.size(); column++) {
            ListingRow.Column c = columns.get(column - 1);
            if (c.kind() == ListingRow.Kind.PLAIN) {
                continue;
            }
            first = first < 0 ? column : first;
            fieldOf[column] = packed.size();
            boolean isText = c.kind() == ListingRow.Kind.TEXT;
            texts.add(isText);
            // char(44) is ',' and char(58) ':', written so because the store's SQL holds no quoted literal
            packed.add(isText ? "octet_length(" + c.expression() + "), char(58), " + c.expression()
                    : c.expression() + ", char(44)");
        }
        text = new boolean[texts.size()];
        for (int i = 0; i < text.length; i++) {
            text[i] = texts.get(i);
        }
        packColumn = first;
        StringBuilder select = new StringBuilder();
        for (int column = 1; column <= columns.size(); column++) {
            select.append(column == 1 ? "" : ", ");
            if (column == packColumn) {
                select.append("concat(").append(String.join(", ", packed)).append(')');
            } else if (fieldOf[column] >= 0) {
                select.append("NULL");
            } else {
                select.append(columns.get(column - 1).expression());
            }
        }
        selectList = select.toString();
    }

    @Override
    public String selectList() {
        return selectList;
    }

    @Override
    public ListingRow row(ResultSet rs) throws SQLException {
        return new Row(ListingRow.of(SqliteDialect.INSTANCE, rs), rs.getBytes(packColumn));
    }

    /** One row: the packed value and where each field lies; plain columns are read by {@code plain}. */
    private final class Row extends ListingRow {
        private final ListingRow plain;
        private final byte[] bytes;
        /** Field {@code f} is {@code bytes[from[f], to[f])}; {@code from[f]} is -1 for SQL NULL. */
        private final int[] from;
        private final int[] to;

        Row(ListingRow plain, byte[] bytes) throws SQLException {
            this.plain = plain;
            this.bytes = bytes;
            this.from = new int[text.length];
            this.to = new int[text.length];
            if (bytes == null) {
                throw new SQLException("a listing row's packed columns are NULL");
            }
            int i = 0;
            for (int f = 0; f < text.length; f++) {
                int digits = i;
                long length = 0;
                byte delimiter = text[f] ? (byte) ':' : (byte) ',';
                while (i < bytes.length && bytes[i] != delimiter) {
                    int digit = bytes[i++] - '0';
                    if (text[f] && (digit < 0 || digit > 9 || (length = length * 10 + digit) > bytes.length)) {
                        throw new SQLException("a listing row's packed text " + f + " has no valid length");
                    }
                }
                if (i == bytes.length) {
                    throw new SQLException("a listing row's packed columns end before field " + f);
                }
                boolean isNull = i == digits;
                i++;
                if (isNull) {
                    from[f] = -1;
                } else if (text[f]) {
                    from[f] = i;
                    i += (int) length;
                    to[f] = i;
                    if (i > bytes.length) {
                        throw new SQLException("a listing row's packed text " + f + " runs past its end");
                    }
                } else {
                    from[f] = digits;
                    to[f] = i - 1;
                }
            }
            if (i != bytes.length) {
                throw new SQLException("a listing row's packed columns hold " + (bytes.length - i)
                        + " bytes more than its fields");
            }
        }

        private int field(int column) {
            return fieldOf[column];
        }

        private boolean isNull(int field) {
            return from[field] < 0;
        }

        private long number(int field) throws SQLException {
            int i = from[field];
            int end = to[field];
            boolean negative = bytes[i] == '-';
            if (negative && ++i == end) {
                throw new SQLException("a listing row's integer column holds '-'");
            }
            long value = 0;
            for (; i < end; i++) {
                int digit = bytes[i] - '0';
                if (digit < 0 || digit > 9) {
                    throw new SQLException("a listing row's integer column holds "
                            + new String(bytes, from[field], end - from[field], StandardCharsets.UTF_8));
                }
                value = value * 10 - digit; // accumulated negatively, so that Long.MIN_VALUE fits
            }
            return negative ? value : -value;
        }

        @Override
        public String text(int column) throws SQLException {
            int f = field(column);
            if (f < 0) {
                return plain.text(column);
            }
            return isNull(f) ? null : new String(bytes, from[f], to[f] - from[f], StandardCharsets.UTF_8);
        }

        @Override
        public Integer integer(int column) throws SQLException {
            int f = field(column);
            if (f < 0) {
                return plain.integer(column);
            }
            return isNull(f) ? null : (int) number(f);
        }

        @Override
        public Double real(int column) throws SQLException {
            requirePlain(column);
            return plain.real(column);
        }

        @Override
        public double realValue(int column) throws SQLException {
            requirePlain(column);
            return plain.realValue(column);
        }

        @Override
        public BigDecimal price(int column) throws SQLException {
            int f = field(column);
            return f < 0 ? plain.price(column) : Prices.fromMicros(number(f));
        }

        @Override
        public Instant instant(int column) throws SQLException {
            int f = field(column);
            if (f < 0) {
                return plain.instant(column);
            }
            return isNull(f) ? null : JdbcValues.fromEpochMicros(number(f));
        }

        @Override
        public Boolean bool(int column) throws SQLException {
            int f = field(column);
            if (f < 0) {
                return plain.bool(column);
            }
            return isNull(f) ? null : number(f) != 0;
        }

        @Override
        public Map<String, Object> heuristics(int column) throws SQLException {
            return JsonCodec.readStoredObject(text(column));
        }

        /** Reals are never packed: SQLite's text form of a real need not read back as the same double. */
        private void requirePlain(int column) {
            if (field(column) >= 0) {
                throw new IllegalStateException("column " + column + " is a real and must not be packed");
            }
        }
    }
}
