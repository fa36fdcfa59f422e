package io.glyphd.store.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A table of text aligned in columns for a terminal; numbers can be aligned right. Not thread-safe. */
final class Table {
    static final int MAX_CELL = 60;
    private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\n\\x0B\\f\\r]+");

    private final String[] headers;
    private final boolean[] right;
    private final boolean[] whole;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = headers.clone();
        this.right = new boolean[headers.length];
        this.whole = new boolean[headers.length];
    }

    /** Aligns these columns (0-based) to the right. */
    Table alignRight(int... columns) {
        for (int column : columns) {
            right[column] = true;
        }
        return this;
    }

    /** Prints these columns (0-based) uncut, however long: e.g. a URL that identifies the row. */
    Table whole(int... columns) {
        for (int column : columns) {
            whole[column] = true;
        }
        return this;
    }

    /**
     * Adds a row; null cells print empty, runs of spaces, tabs and line breaks as one space, other control
     * characters as escapes ({@link TerminalText}), and long cells are cut to {@value #MAX_CELL} characters.
     */
    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String text = cells[i] == null ? ""
                    : TerminalText.escape(WHITESPACE.matcher(cells[i].toString()).replaceAll(" ").strip());
            row[i] = text.length() > MAX_CELL && !whole[i] ? cut(text) + "..." : text;
        }
        rows.add(row);
        return this;
    }

    /** Returns the first {@value #MAX_CELL} - 3 characters, one fewer rather than half a surrogate pair. */
    private static String cut(String text) {
        int end = MAX_CELL - 3;
        return text.substring(0, Character.isHighSurrogate(text.charAt(end - 1)) ? end - 1 : end);
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        printRow(out, headers, widths);
        for (String[] row : rows) {
            printRow(out, row, widths);
        }
    }

    private void printRow(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(widths[i] - cells[i].length());
            line.append(right[i] ? pad + cells[i] : i == cells.length - 1 ? cells[i] : cells[i] + pad);
        }
        out.println(line);
    }
}
