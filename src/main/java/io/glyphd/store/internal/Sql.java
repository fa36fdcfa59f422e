package io.glyphd.store.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * A SQL text with its positional parameters, in order.
 *
 * @param text SQL with {@code ?} placeholders only
 * @param parameters one value per placeholder
 */
public record Sql(String text, List<Object> parameters) {
    /** Copies the parameters. */
    public Sql {
        parameters = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters));
    }

    /** Binds the parameters to a statement prepared from {@link #text()}, starting at index 1. */
    public void bind(PreparedStatement statement) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

    /** Returns this statement followed by {@code LIMIT ?}, with {@code limit} as its last parameter. */
    public Sql withLimit(long limit) {
        List<Object> limited = new java.util.ArrayList<>(parameters);
        limited.add(limit);
        return new Sql(text + " LIMIT ?", limited);
    }

    @Override
    public String toString() {
        // Parameters are left out on purpose: they may be user data.
        return text + " -- " + parameters.size() + " parameter(s)";
    }
}
