/**
 * The {@code glyphd-store} command-line tool: import, query and inspect a store file. Shipped as the shaded
 * {@code glyphd-store-VERSION-cli.jar}; it needs picocli and logback-classic, which the library itself does not.
 * Uses only the API packages.
 */
package io.glyphd.store.cli;
