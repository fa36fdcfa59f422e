/**
 * The glyphd-store API: {@link io.glyphd.store.ListingStore}, the records it reads and writes, and the
 * {@link io.glyphd.store.StoreException} family. Backends live in sub-packages, e.g.
 * {@link io.glyphd.store.sqlite.SqliteListingStore}.
 */
package io.glyphd.store;
