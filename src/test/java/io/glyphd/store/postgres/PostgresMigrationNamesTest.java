package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresMigrationNamesTest {

    @Test
    void theBundledMigrationsAreWellNamedAndPresent() {
        assertThat(PostgresSchema.CURRENT_VERSION).isEqualTo(PostgresSchema.MIGRATIONS.size()).isEqualTo(1);
        assertThat(PostgresSchema.MIGRATIONS).allSatisfy(script ->
                assertThat(PostgresScript.load(PostgresSchema.class, script)).isNotEmpty());
    }

    @Test
    void acceptsSchemaSqlFollowedByNumberedScriptsInOrder() {
        assertThat(PostgresSchema.checkMigrationNames(List.of("schema.sql"))).isEqualTo(1);
        assertThat(PostgresSchema.checkMigrationNames(List.of("schema.sql", "V2__listing_identity.sql",
                "V3__add_region_2.sql"))).isEqualTo(3);
    }

    @Test
    void refusesAMisnamedOrMisplacedScript() {
        assertThatThrownBy(() -> PostgresSchema.checkMigrationNames(List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the first migration must be schema.sql, was nothing");
        assertThatThrownBy(() -> PostgresSchema.checkMigrationNames(List.of("V1__init.sql")))
                .hasMessage("the first migration must be schema.sql, was V1__init.sql");
        assertThatThrownBy(() -> PostgresSchema.checkMigrationNames(List.of("schema.sql", "V3__skipped.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V3__skipped.sql");
        assertThatThrownBy(() -> PostgresSchema.checkMigrationNames(List.of("schema.sql", "V2__Upper.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V2__Upper.sql");
        assertThatThrownBy(() -> PostgresSchema.checkMigrationNames(List.of("schema.sql", "V2_one_underscore.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V2_one_underscore.sql");
        assertThatThrownBy(() -> PostgresSchema.checkMigrationNames(List.of("schema.sql", "V02__padded.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V02__padded.sql");
    }
}
