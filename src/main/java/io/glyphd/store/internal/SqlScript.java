package io.glyphd.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements, because JDBC drivers such as sqlite-jdbc run only the first statement of
 * a multi-statement string. Handles {@code --} and block comments, quoted text and identifiers, and keeps a
 * trigger's {@code BEGIN ... END;} body whole.
 */
public final class SqlScript {
    private SqlScript() {
    }

    /**
     * Reads a UTF-8 classpath resource and splits it into statements.
     *
     * @throws IllegalStateException if the resource is missing (a packaging error)
     */
    public static List<String> load(Class<?> owner, String resource) {
        return split(read(owner, resource));
    }

    /**
     * Reads a UTF-8 classpath resource next to {@code owner} whole, for a driver that runs a script itself (pgjdbc
     * splits a multi-statement string, dollar-quoted bodies included, and sends it in one round trip).
     *
     * @throws IllegalStateException if the resource is missing (a packaging error)
     */
    public static String read(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + resource + " is missing next to " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SQL resource " + resource, e);
        }
    }

    /** Returns the script's statements, trimmed, without their terminating semicolons or comments. */
    public static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        boolean createTrigger = false;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                current.append(' ');
                continue;
            }
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int end = i + 1;
                while (end < n) {
                    if (script.charAt(end) == close) {
                        if (close != ']' && end + 1 < n && script.charAt(end + 1) == close) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                end = Math.min(end, n - 1);
                current.append(script, i, end + 1);
                i = end + 1;
                word.setLength(0);
                continue;
            }
            if (Character.isLetterOrDigit(c) || c == '_') {
                word.append(c);
            } else {
                String w = word.toString();
                word.setLength(0);
                if (w.equalsIgnoreCase("TRIGGER") && current.toString().strip().toUpperCase().startsWith("CREATE")) {
                    createTrigger = true;
                } else if (createTrigger && (w.equalsIgnoreCase("BEGIN") || w.equalsIgnoreCase("CASE"))) {
                    depth++;
                } else if (createTrigger && w.equalsIgnoreCase("END")) {
                    depth--;
                }
            }
            if (c == ';' && depth == 0) {
                addStatement(statements, current);
                createTrigger = false;
            } else {
                current.append(c);
            }
            i++;
        }
        String w = word.toString();
        if (createTrigger && w.equalsIgnoreCase("END")) {
            depth--;
        }
        addStatement(statements, current);
        return statements;
    }

    private static void addStatement(List<String> statements, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }
}
