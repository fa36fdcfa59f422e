package io.glyphd.store.cli;

/**
 * Makes text from the store or an input file safe to print on a terminal: control characters, which could move the
 * cursor, retitle the window, ring the bell or hide what follows (ESC and the rest of C0, DEL, C1), and the Unicode
 * controls that reorder or hide text (bidirectional embeddings, overrides and isolates, U+2028/U+2029), are printed
 * as escapes, {@code \x1B} or {@code \u202E}. Every other character, backslashes included, is printed as it is: the
 * escapes are for reading, while JSON and CSV output carry the exact text.
 */
final class TerminalText {
    private TerminalText() {
    }

    /** Returns {@code text} with every control character but line feeds escaped, for multi-line messages. */
    static String escapeKeepingLines(String text) {
        return escape(text, true);
    }

    /** Returns {@code text} with every control character escaped; null for null. */
    static String escape(String text) {
        return escape(text, false);
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && !unsafe(text.charAt(first), keepLines)) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c, keepLines)) {
                escaped.append(c);
            } else if (c <= 0xFF) {
                escaped.append(String.format("\\x%02X", (int) c));
            } else {
                escaped.append(String.format("\\u%04X", (int) c));
            }
        }
        return escaped.toString();
    }

    private static boolean unsafe(char c, boolean keepLines) {
        if (c == '\n') {
            return !keepLines;
        }
        return c < 0x20 || c >= 0x7F && c <= 0x9F
                || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069'
                || c == '\u200E' || c == '\u200F' || c == '\u061C' || c == '\u2028' || c == '\u2029';
    }
}
