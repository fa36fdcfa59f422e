package io.glyphd.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL script into statements, so that each runs on its own and a failure names its statement.
 *
 * <p>Follows PostgreSQL's lexical rules rather than SQLite's, which {@code internal.SqlScript} implements: a
 * semicolon ends a statement except inside {@code '...'} text (with {@code ''}), {@code E'...'} text (with
 * backslash escapes), {@code "..."} identifiers, {@code --} and nested block comments, and dollar-quoted text
 * ({@code $$ ... $$} or {@code $tag$ ... $tag$}), which is how function bodies are written. SQLite's splitter keeps
 * only {@code CREATE TRIGGER ... BEGIN ... END} whole and cuts a PL/pgSQL body at its first {@code END IF;}.
 * SQL-standard bodies ({@code BEGIN ATOMIC ... END}) are refused rather than guessed at: quote the body instead.
 * Stateless and thread-safe.
 */
final class PostgresScript {
    private PostgresScript() {
    }

    /**
     * Reads a UTF-8 classpath resource next to {@code owner} and splits it into statements.
     *
     * @throws IllegalStateException if the resource is missing or cannot be split (a packaging error)
     */
    static List<String> load(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + resource + " is missing next to " + owner.getName());
            }
            return split(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SQL resource " + resource, e);
        }
    }

    /**
     * Returns the script's statements, trimmed, without their terminating semicolons or the comments between
     * statements; text inside quotes (function bodies included) is kept exactly.
     *
     * @param name what the script is called in messages
     * @throws IllegalStateException if a quote or comment is not closed, or a body is written as BEGIN ATOMIC
     */
    static List<String> split(String script, String name) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String previousWord = "";
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && next == '*') {
                i = endOfBlockComment(script, i, name);
                current.append(' ');
                continue;
            }
            if (c == '\'' || c == '"') {
                boolean escapes = c == '\'' && endsWithEscapePrefix(current);
                int end = endOfQuoted(script, i, c, escapes, name);
                current.append(script, i, end);
                i = end;
                previousWord = "";
                continue;
            }
            if (c == '$' && !endsWithIdentifierPart(current)) {
                String tag = dollarTag(script, i);
                if (tag != null) {
                    int close = script.indexOf(tag, i + tag.length());
                    if (close < 0) {
                        throw new IllegalStateException(name + ": dollar-quoted text opened with " + tag + " at line "
                                + line(script, i) + " is never closed");
                    }
                    int end = close + tag.length();
                    current.append(script, i, end);
                    i = end;
                    previousWord = "";
                    continue;
                }
            }
            if (isIdentifierStart(c)) {
                int end = i + 1;
                while (end < n && isIdentifierPart(script.charAt(end))) {
                    end++;
                }
                String word = script.substring(i, end);
                if (word.equalsIgnoreCase("ATOMIC") && previousWord.equalsIgnoreCase("BEGIN")) {
                    throw new IllegalStateException(name + ": BEGIN ATOMIC at line " + line(script, i)
                            + " is not supported; write the function body as dollar-quoted text ($$ ... $$)");
                }
                previousWord = word;
                current.append(word);
                i = end;
                continue;
            }
            if (c == ';') {
                addStatement(statements, current);
                previousWord = "";
            } else {
                current.append(c);
                if (!Character.isWhitespace(c)) {
                    previousWord = "";
                }
            }
            i++;
        }
        addStatement(statements, current);
        return statements;
    }

    /** Returns the index after the block comment starting at {@code start}; PostgreSQL's block comments nest. */
    private static int endOfBlockComment(String script, int start, String name) {
        int depth = 0;
        int i = start;
        while (i + 1 < script.length()) {
            if (script.charAt(i) == '/' && script.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (script.charAt(i) == '*' && script.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new IllegalStateException(name + ": block comment opened at line " + line(script, start)
                + " is never closed");
    }

    /** Returns the index after the quoted text or identifier starting at {@code start}. */
    private static int endOfQuoted(String script, int start, char quote, boolean backslashEscapes, String name) {
        int i = start + 1;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        throw new IllegalStateException(name + ": " + (quote == '"' ? "quoted identifier" : "quoted text")
                + " opened at line " + line(script, start) + " is never closed");
    }

    /** Returns the opening {@code $tag$} at {@code start}, or null if the {@code $} opens none (e.g. {@code $1}). */
    private static String dollarTag(String script, int start) {
        int i = start + 1;
        if (i < script.length() && script.charAt(i) == '$') {
            return "$$";
        }
        if (i >= script.length() || !isIdentifierStart(script.charAt(i))) {
            return null;
        }
        while (i < script.length() && isIdentifierPart(script.charAt(i)) && script.charAt(i) != '$') {
            i++;
        }
        return i < script.length() && script.charAt(i) == '$' ? script.substring(start, i + 1) : null;
    }

    /** Returns true if the text so far ends with an {@code E} (or {@code e}) that starts an escape string. */
    private static boolean endsWithEscapePrefix(StringBuilder current) {
        int last = current.length() - 1;
        return last >= 0 && (current.charAt(last) == 'E' || current.charAt(last) == 'e')
                && (last == 0 || !isIdentifierPart(current.charAt(last - 1)));
    }

    /** Returns true if the text so far ends inside an identifier, where {@code $} is an ordinary character. */
    private static boolean endsWithIdentifierPart(StringBuilder current) {
        return current.length() > 0 && isIdentifierPart(current.charAt(current.length() - 1));
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 0x7F;
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || Character.isDigit(c) || c == '$';
    }

    private static int line(String script, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (script.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static void addStatement(List<String> statements, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }
}
