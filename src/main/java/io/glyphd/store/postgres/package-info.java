/** The PostgreSQL backend: its schema and migrations, SQLState translation, and the store built on them. */
package io.glyphd.store.postgres;
