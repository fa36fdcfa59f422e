/**
 * Helpers shared by the backends: JDBC, JSON, SQL scripts and query building. Not API: anything here may change
 * in any release.
 */
package io.glyphd.store.internal;
