package io.glyphd.store.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** How a backend writes an import's listings in bulk, inside the transaction {@link ImportWriter} opened. */
@FunctionalInterface
public interface BulkLoader {
    /**
     * Writes every listing {@code rows} yields into the listings table under {@code importKey}, with its row number
     * as {@code import_index}.
     *
     * @throws io.glyphd.store.InvalidListingException naming the row, if a listing cannot be stored
     */
    void load(Connection connection, long importKey, ImportRows rows) throws SQLException;
}
