package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.internal.SqlScript;
import org.junit.jupiter.api.Test;

class PostgresMigrationsTest {

    @Test
    void theBundledMigrationsAreWellNamedAndPresent() {
        assertThat(PostgresSchema.CURRENT_VERSION).isEqualTo(PostgresSchema.MIGRATIONS.size()).isEqualTo(3);
        assertThat(PostgresSchema.MIGRATIONS).allSatisfy(script ->
                assertThat(SqlScript.read(PostgresSchema.class, script)).contains("CREATE"));
    }
}
