package io.glyphd.store.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A table of text aligned in columns for a terminal; numbers can be aligned right. Not thread-safe. */
final class Table {
    static final int MAX_CELL = 60;

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

    /** Adds a row; null cells print empty, long cells are cut to {@value #MAX_CELL} characters. */
    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String text = cells[i] == null ? "" : cells[i].toString().replaceAll("\\s+", " ").strip();
            row[i] = text.length() > MAX_CELL && !whole[i] ? text.substring(0, MAX_CELL - 3) + "..." : text;
        }
        rows.add(row);
        return this;
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
