package io.glyphd.store.cli;

import java.util.Map;

/**
 * What the command line sees of its surroundings, so tests can set it.
 *
 * @param variables environment variables
 * @param terminal whether stderr is a terminal, so progress may be shown
 */
record CliEnvironment(Map<String, String> variables, boolean terminal) {
    static final String DB_PATH_VARIABLE = "GLYPHD_DB_PATH";
    static final String DB_URL_VARIABLE = "GLYPHD_DB_URL";
    static final String DB_PASSWORD_VARIABLE = "GLYPHD_DB_PASSWORD";
    /** libpq's password variable, which psql and pg_dump read too. */
    static final String PGPASSWORD_VARIABLE = "PGPASSWORD";
    static final String DEFAULT_DB = "glyphd-store.sqlite3";

    CliEnvironment {
        variables = Map.copyOf(variables);
    }
}
