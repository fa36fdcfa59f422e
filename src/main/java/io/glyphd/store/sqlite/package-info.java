/** The SQLite backend: {@link io.glyphd.store.sqlite.SqliteListingStore}. */
package io.glyphd.store.sqlite;
