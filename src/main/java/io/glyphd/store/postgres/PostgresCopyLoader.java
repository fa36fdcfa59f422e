package io.glyphd.store.postgres;

import io.glyphd.store.Listing;
import io.glyphd.store.internal.ImportRows;
import io.glyphd.store.internal.JsonCodec;
import io.glyphd.store.internal.Prices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Streams an import's rows into {@code listings} with one binary {@code COPY ... FROM STDIN}: no statement per row,
 * no text parsing on the server, and the rows are sent in chunks as they are read, so memory holds one chunk
 * whatever the size of the import. Binary COPY needs each value in its column type's wire format (int2/int4/int8,
 * float8, bool, numeric in base-10000 digits, timestamptz as microseconds since 2000-01-01, jsonb as version 1 plus
 * text); the column list below fixes the order. PostgreSQL text cannot hold U+0000, so a listing with one is refused
 * here, naming its row and field, before anything is sent.
 */
final class PostgresCopyLoader {
    private static final String COPY_LISTINGS = """
            COPY listings (import_key, import_index, canonical_model, price, score, vram_gb, tdp_watts, mig_support,
                nvlink, generation, cuda_cores, slot_width, pcie_generation, form_factor, title, condition, quantity,
                availability, min_order_qty, seller, region, source_url, source_type, seen_at, match_type,
                match_score, notes, warnings, heuristics)
            FROM STDIN (FORMAT binary)""";
    private static final short COLUMNS = 29;
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    /** Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for timestamps. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final int CHUNK = 256 * 1024;
    private static final Pattern COPY_LINE = Pattern.compile("COPY listings, line (\\d+)");

    private PostgresCopyLoader() {
    }

    /** Copies every row; a failure cancels the COPY and leaves the transaction for the caller to roll back. */
    static void load(Connection connection, long importKey, ImportRows rows) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_LISTINGS);
        Buffer buffer = new Buffer(CHUNK + 64 * 1024);
        try {
            buffer.bytes(HEADER);
            for (Listing listing = rows.next(); listing != null; listing = rows.next()) {
                String heuristics = checkText(rows, listing);
                writeRow(buffer, importKey, rows.row(), listing, heuristics);
                if (buffer.size >= CHUNK) {
                    copy.writeToCopy(buffer.data, 0, buffer.size);
                    buffer.size = 0;
                }
            }
            buffer.int16((short) -1);
            copy.writeToCopy(buffer.data, 0, buffer.size);
            copy.endCopy();
        } catch (PSQLException e) {
            cancel(copy, e);
            Long row = failedRow(e);
            if (row != null && e.getSQLState() != null && (e.getSQLState().startsWith("23")
                    || e.getSQLState().startsWith("22"))) {
                throw rows.refused(row, null, "the database schema refuses it: " + PostgresErrors.meaning(e), e);
            }
            throw e;
        } catch (SQLException | RuntimeException | Error e) {
            cancel(copy, e);
            throw e;
        }
    }

    private static void cancel(CopyIn copy, Throwable failure) {
        if (copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Returns the row the server names in "COPY listings, line N" (line 1 is the first row), or null. */
    private static Long failedRow(PSQLException e) {
        ServerErrorMessage message = e.getServerErrorMessage();
        String context = message == null ? null : message.getWhere();
        if (context == null) {
            return null;
        }
        Matcher line = COPY_LINE.matcher(context);
        return line.find() ? Long.valueOf(line.group(1)) : null;
    }

    /** Refuses text PostgreSQL cannot hold; returns the heuristics as JSON text (or null), checked too. */
    private static String checkText(ImportRows rows, Listing l) {
        String[][] fields = {
            {"canonicalModel", l.canonicalModel()}, {"generation", l.generation()}, {"formFactor", l.formFactor()},
            {"title", l.title()}, {"condition", l.condition()}, {"availability", l.availability()},
            {"seller", l.seller()}, {"region", l.region()}, {"sourceUrl", l.sourceUrl()},
            {"sourceType", l.sourceType()}, {"matchType", l.matchType()}, {"notes", l.notes()},
            {"warnings", l.warnings()},
        };
        for (String[] field : fields) {
            if (field[1] != null && field[1].indexOf('\0') >= 0) {
                throw rows.refused(rows.row(), field[0], field[0] + " contains the character U+0000, which"
                        + " PostgreSQL text cannot hold", null);
            }
        }
        String heuristics = JsonCodec.writeObject(l.heuristics());
        // JSON text escapes U+0000 as \u0000, which jsonb refuses too.
        if (heuristics != null && heuristics.contains("\\u0000")) {
            throw rows.refused(rows.row(), "heuristics", "heuristics contains the character U+0000, which PostgreSQL"
                    + " jsonb cannot hold", null);
        }
        return heuristics;
    }

    private static void writeRow(Buffer b, long importKey, long row, Listing l, String heuristics) {
        b.int16(COLUMNS);
        b.int8(importKey);
        b.int4((int) row);
        b.text(l.canonicalModel());
        b.numeric(Prices.toMicros(l.price()));
        b.float8(l.score());
        b.int4(l.vramGb());
        b.int4(l.tdpWatts());
        b.int2(l.migSupport());
        b.bool(l.nvlink());
        b.text(l.generation());
        b.int4(l.cudaCores());
        b.float8(l.slotWidth());
        b.int4(l.pcieGeneration());
        b.text(l.formFactor());
        b.text(l.title());
        b.text(l.condition());
        b.int4(l.quantity());
        b.text(l.availability());
        b.int4(l.minOrderQty());
        b.text(l.seller());
        b.text(l.region());
        b.text(l.sourceUrl());
        b.text(l.sourceType());
        b.timestamptz(l.seenAt());
        b.text(l.matchType());
        b.float8(l.matchScore());
        b.text(l.notes());
        b.text(l.warnings());
        b.jsonb(heuristics);
    }

    /** A growable big-endian byte buffer that writes COPY binary fields: a length (-1 for NULL), then the value. */
    static final class Buffer {
        byte[] data;
        int size;

        Buffer(int capacity) {
            data = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
            }
        }

        void bytes(byte[] value) {
            ensure(value.length);
            System.arraycopy(value, 0, data, size, value.length);
            size += value.length;
        }

        void int16(short value) {
            ensure(2);
            data[size++] = (byte) (value >>> 8);
            data[size++] = (byte) value;
        }

        void int32(int value) {
            ensure(4);
            data[size++] = (byte) (value >>> 24);
            data[size++] = (byte) (value >>> 16);
            data[size++] = (byte) (value >>> 8);
            data[size++] = (byte) value;
        }

        void int64(long value) {
            int32((int) (value >>> 32));
            int32((int) value);
        }

        void nullField() {
            int32(-1);
        }

        void int2(Integer value) {
            if (value == null) {
                nullField();
            } else {
                int32(2);
                int16(value.shortValue());
            }
        }

        void int4(Integer value) {
            if (value == null) {
                nullField();
            } else {
                int4(value.intValue());
            }
        }

        void int4(int value) {
            int32(4);
            int32(value);
        }

        void int8(long value) {
            int32(8);
            int64(value);
        }

        void float8(Double value) {
            if (value == null) {
                nullField();
            } else {
                float8(value.doubleValue());
            }
        }

        void float8(double value) {
            int32(8);
            int64(Double.doubleToLongBits(value));
        }

        void bool(Boolean value) {
            if (value == null) {
                nullField();
            } else {
                int32(1);
                ensure(1);
                data[size++] = (byte) (value ? 1 : 0);
            }
        }

        void text(String value) {
            if (value == null) {
                nullField();
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            int32(utf8.length);
            bytes(utf8);
        }

        void jsonb(String json) {
            if (json == null) {
                nullField();
                return;
            }
            byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
            int32(utf8.length + 1);
            ensure(1);
            data[size++] = 1; // jsonb binary format version
            bytes(utf8);
        }

        void timestamptz(Instant value) {
            if (value == null) {
                nullField();
                return;
            }
            long seconds = value.getEpochSecond() - POSTGRES_EPOCH_SECONDS;
            int8(Math.addExact(Math.multiplyExact(seconds, 1_000_000L), value.getNano() / 1_000L));
        }

        /**
         * Writes a non-negative amount of micro-dollars as numeric: base-10000 digits of the integer part, then the
         * six decimals as two digits (the second padded to four places), weight = integer digits - 1, display scale 6.
         * The server strips leading and trailing zero digits itself.
         */
        void numeric(long micros) {
            long whole = micros / 1_000_000L;
            int fraction = (int) (micros % 1_000_000L);
            short[] integer = new short[5]; // 10^12 needs 4 base-10000 digits; 5 is room to spare
            int integerDigits = 0;
            for (long rest = whole; rest > 0; rest /= 10_000) {
                integer[integerDigits++] = (short) (rest % 10_000);
            }
            int digits = integerDigits + 2;
            int32(8 + 2 * digits);
            int16((short) digits);
            int16((short) (integerDigits - 1));
            int16((short) 0); // sign: positive
            int16((short) Prices.MICROS_SCALE);
            for (int i = integerDigits - 1; i >= 0; i--) {
                int16(integer[i]);
            }
            int16((short) (fraction / 100));
            int16((short) (fraction % 100 * 100));
        }
    }
}
