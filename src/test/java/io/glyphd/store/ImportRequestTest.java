package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link ImportRequest}'s optional {@code importedAt}: absent by default, truncated, range-checked. */
class ImportRequestTest {

    @Test
    void importedAtIsAbsentUnlessGiven() {
        assertThat(ImportRequest.of("a").importedAt()).isNull();
        assertThat(new ImportRequest("a", "s", "d").importedAt()).isNull();
        assertThat(new ImportRequest("a", "s", "d").withImportedAt(null)).isEqualTo(new ImportRequest("a", "s", "d"));
    }

    @Test
    void importedAtIsTruncatedToTheMicrosecond() {
        ImportRequest request = new ImportRequest(" a ", "s", "d").withImportedAt(
                Instant.parse("2025-07-29T10:15:30.123456999Z"));

        assertThat(request).isEqualTo(new ImportRequest("a", "s", "d", Instant.parse("2025-07-29T10:15:30.123456Z")));
    }

    @Test
    void importedAtOutsideTheStoresRangeIsRefusedByName() {
        assertThatThrownBy(() -> ImportRequest.of("a").withImportedAt(Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("importedAt must be between 0001-01-01T00:00:00Z and ")
                .hasMessageContaining("for import a");
        assertThatThrownBy(() -> new ImportRequest("a", null, null, Instant.parse("0000-12-31T23:59:59Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("importedAt");
    }
}
