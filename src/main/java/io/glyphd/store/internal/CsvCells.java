package io.glyphd.store.internal;

/**
 * Keeps spreadsheets from running CSV text cells as formulas ("CSV injection"), reversibly. A spreadsheet runs a
 * cell that starts with {@code =}, {@code +}, {@code -} or {@code @} (and some treat a leading tab or carriage
 * return alike), so a scraped title such as {@code =HYPERLINK("http://evil","Click")} becomes a live link or worse.
 *
 * <p>The rule: a text that starts with one of those characters, after any number of apostrophes, is written with one
 * more apostrophe in front ({@code =1+1} as {@code '=1+1}, {@code '=1+1} as {@code ''=1+1}); spreadsheets show such
 * a cell as text, without the apostrophe. Reading removes one leading apostrophe from a cell of that shape and
 * leaves every other cell as it is, so {@code unprotect(protect(t))} is {@code t} for every text {@code t}.
 */
public final class CsvCells {
    private CsvCells() {
    }

    /** Returns {@code text} safe for a spreadsheet, or null for null. */
    public static String protect(String text) {
        return text != null && triggers(text, 0) ? "'" + text : text;
    }

    /** Returns what {@link #protect} was given for {@code cell}, or null for null. */
    public static String unprotect(String cell) {
        return cell != null && cell.startsWith("'") && triggers(cell, 1) ? cell.substring(1) : cell;
    }

    /** Returns true if the first character of {@code text} after {@code from} and any apostrophes is a trigger. */
    private static boolean triggers(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) == '\'') {
            i++;
        }
        if (i == text.length()) {
            return false;
        }
        char c = text.charAt(i);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    }
}
