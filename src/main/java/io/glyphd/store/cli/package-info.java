/**
 * The {@code glyphd-store} command-line tool: import, query, inspect and copy a store, a SQLite file or a PostgreSQL
 * database ({@link io.glyphd.store.cli.StoreLocation} reads which). Shipped only in
 * {@code glyphd-store-VERSION-cli.jar} (the library jar leaves this package out), with picocli and the PostgreSQL
 * driver, which the library itself does not need; it logs through its own SLF4J binding, {@link CliLogging}. Uses
 * only the API packages and the two backends' public classes.
 */
package io.glyphd.store.cli;
