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
    static final String DEFAULT_DB = "glyphd-store.sqlite3";

    CliEnvironment {
        variables = Map.copyOf(variables);
    }
}
