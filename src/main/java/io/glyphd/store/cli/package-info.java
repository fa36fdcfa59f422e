/**
 * The {@code glyphd-store} command-line tool: import, query, inspect and copy a store, a SQLite file or a PostgreSQL
 * database ({@link io.glyphd.store.cli.StoreLocation} reads which). Shipped as the shaded
 * {@code glyphd-store-VERSION-cli.jar}; it needs picocli, logback-classic and the PostgreSQL driver, which the
 * library itself does not. Uses only the API packages and the two backends' public classes.
 */
package io.glyphd.store.cli;
