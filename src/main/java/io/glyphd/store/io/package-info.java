/**
 * Reading and writing listing files: {@link io.glyphd.store.io.ListingReader} streams the scoring pipeline's CSV
 * and JSON files (and the store's own) into listings, {@link io.glyphd.store.io.ListingWriter} writes the store's
 * formats, and {@link io.glyphd.store.io.ListingFormatException} reports every bad record of a file.
 */
package io.glyphd.store.io;
