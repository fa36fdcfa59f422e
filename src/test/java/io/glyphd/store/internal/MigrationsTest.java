package io.glyphd.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void acceptsSchemaSqlFollowedByNumberedScriptsInOrder() {
        assertThat(Migrations.checkNames(List.of("schema.sql"))).isEqualTo(1);
        assertThat(Migrations.checkNames(List.of("schema.sql", "V2__listing_identity.sql",
                "V3__add_region_2.sql"))).isEqualTo(3);
    }

    @Test
    void refusesAMisnamedOrMisplacedScript() {
        assertThatThrownBy(() -> Migrations.checkNames(List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the first migration must be schema.sql, was nothing");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("V1__init.sql")))
                .hasMessage("the first migration must be schema.sql, was V1__init.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("schema.sql", "V3__skipped.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V3__skipped.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("schema.sql", "V2__Upper.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V2__Upper.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("schema.sql", "V2_one_underscore.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V2_one_underscore.sql");
        assertThatThrownBy(() -> Migrations.checkNames(List.of("schema.sql", "V02__padded.sql")))
                .hasMessage("migration 2 must be named V2__<lower_case_name>.sql, was V02__padded.sql");
    }
}
