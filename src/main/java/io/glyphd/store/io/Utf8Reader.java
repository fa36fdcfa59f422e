package io.glyphd.store.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes strict UTF-8 and knows where each character came from: at the first byte that is not UTF-8, it first hands
 * out every character before it, then throws {@link MalformedUtf8Exception} naming the line and character column of
 * that byte. (An {@link java.io.InputStreamReader} decodes ahead of its caller, so a parser sees the failure
 * thousands of lines early.) A leading UTF-8 byte order mark is skipped. Lines end at {@code \n}, {@code \r\n} or
 * {@code \r}, as the parsers count them.
 */
final class Utf8Reader extends Reader {
    private static final int BUFFER = 8192;

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private boolean started;
    private boolean eof;
    private boolean flushed;
    private MalformedUtf8Exception pending;
    /** Bytes consumed before {@link #bytes}' current contents. */
    private long byteOffset;
    private long line = 1;
    /** Characters on the current line so far. */
    private long column;
    private boolean afterCr;

    Utf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pending != null) {
            throw pending;
        }
        if (!started) {
            start();
        }
        CharBuffer out = CharBuffer.wrap(buffer, offset, length);
        while (true) {
            if (flushed) {
                return count(buffer, offset, out);
            }
            CoderResult result = decoder.decode(bytes, out, eof);
            if (result.isError()) {
                int produced = out.position() - offset;
                track(buffer, offset, produced);
                pending = new MalformedUtf8Exception(line, column + 1, byteOffset + bytes.position(),
                        bytes.get(bytes.position()));
                if (produced > 0) {
                    return produced;
                }
                throw pending;
            }
            if (result.isOverflow()) {
                return count(buffer, offset, out);
            }
            if (eof) {
                if (decoder.flush(out).isOverflow()) {
                    return count(buffer, offset, out);
                }
                flushed = true;
                continue;
            }
            if (out.position() > offset) {
                // Hand out what is decoded rather than block on more input.
                return count(buffer, offset, out);
            }
            fill();
        }
    }

    private int count(char[] buffer, int offset, CharBuffer out) {
        int produced = out.position() - offset;
        if (produced == 0 && flushed) {
            return -1;
        }
        track(buffer, offset, produced);
        return produced;
    }

    /** Skips a UTF-8 byte order mark, and notes a UTF-16 one, which the decoder would only call malformed. */
    private void start() throws IOException {
        started = true;
        fill();
        while (!eof && bytes.remaining() < 3) {
            fill();
        }
        int available = bytes.remaining();
        if (available >= 3 && (bytes.get(0) & 0xFF) == 0xEF && (bytes.get(1) & 0xFF) == 0xBB
                && (bytes.get(2) & 0xFF) == 0xBF) {
            bytes.position(3);
        } else if (available >= 2 && ((bytes.get(0) & 0xFF) == 0xFE && (bytes.get(1) & 0xFF) == 0xFF
                || (bytes.get(0) & 0xFF) == 0xFF && (bytes.get(1) & 0xFF) == 0xFE)) {
            pending = new MalformedUtf8Exception(1, 1, 0, bytes.get(0));
            throw pending;
        }
    }

    /** Reads more bytes after those not yet decoded. */
    private void fill() throws IOException {
        byteOffset += bytes.position();
        bytes.compact();
        try {
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + n);
            }
        } finally {
            bytes.flip();
        }
    }

    private void track(char[] buffer, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            char c = buffer[i];
            if (c == '\n') {
                if (!afterCr) {
                    line++;
                }
                column = 0;
                afterCr = false;
            } else if (c == '\r') {
                line++;
                column = 0;
                afterCr = true;
            } else {
                column++;
                afterCr = false;
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The input is not UTF-8 at a known place. */
    static final class MalformedUtf8Exception extends CharacterCodingException {
        private static final long serialVersionUID = 1L;
        private final long line;
        private final long character;
        private final long byteOffset;
        private final int firstByte;

        MalformedUtf8Exception(long line, long character, long byteOffset, byte firstByte) {
            this.line = line;
            this.character = character;
            this.byteOffset = byteOffset;
            this.firstByte = firstByte & 0xFF;
        }

        /** Returns the 1-based line of the first byte that is not UTF-8. */
        long line() {
            return line;
        }

        /** Returns the 1-based character column of that byte on its line. */
        long character() {
            return character;
        }

        /** Returns the reason a user reads: the byte, its offset and, for a UTF-16 file, what to do. */
        String reason() {
            boolean utf16 = byteOffset == 0 && (firstByte == 0xFE || firstByte == 0xFF);
            return "not valid UTF-8 text" + (utf16 ? " (the file starts with a UTF-16 byte order mark; save it as"
                    + " UTF-8)" : "");
        }

        @Override
        public String getMessage() {
            return reason() + ": byte 0x" + Integer.toHexString(0x100 | firstByte).substring(1) + " at line " + line
                    + ", character " + character + " (byte offset " + byteOffset + ")";
        }
    }
}
