package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The import id rule documented on {@link ImportRequest}: surrounding whitespace is stripped, the rest must be 1 to
 * {@value ImportRequest#MAX_IMPORT_ID_LENGTH} UTF-16 characters with no control characters and no lone
 * surrogates; anything else is kept literally. (The store round trip of such ids is in RoundTripPropertiesTest.)
 */
class ImportIdRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"2025-07-29-batch1", "'; DROP TABLE imports; --", "%", "_", "100%_done", "a\\b",
        "\"quoted\"", "wamatek/2025 07 29", "显卡-批次", "🚀 launch", "NULL", "x\u00a0y", "\u200bzero-width"})
    void oddButPrintableIdsAreKeptLiterally(String id) {
        assertThat(ImportRequest.of(id).importId()).isEqualTo(id);
    }

    @Test
    void surroundingWhitespaceIsStrippedIncludingUnicodeSpaces() {
        assertThat(ImportRequest.of("  batch \t").importId()).isEqualTo("batch");
        assertThat(ImportRequest.of("\u2003batch\u3000").importId()).isEqualTo("batch");
        assertThat(ImportRequest.of(" a b ").importId()).isEqualTo("a b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n", "\u2003"})
    void aBlankIdIsRefused(String id) {
        assertThatThrownBy(() -> ImportRequest.of(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("importId must not be blank");
    }

    @Test
    void aNullIdIsRefused() {
        assertThatThrownBy(() -> ImportRequest.of(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("importId");
    }

    @Test
    void theLengthLimitCountsUtf16CharactersAfterStripping() {
        String longest = "x".repeat(ImportRequest.MAX_IMPORT_ID_LENGTH);
        assertThat(ImportRequest.of(longest).importId()).hasSize(200);
        assertThat(ImportRequest.of("   " + longest + "   ").importId()).isEqualTo(longest);
        assertThat(ImportRequest.of("🚀".repeat(100)).importId()).hasSize(200);

        assertThatThrownBy(() -> ImportRequest.of(longest + "y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("importId must be at most 200 characters, was 201");
        assertThatThrownBy(() -> ImportRequest.of("🚀".repeat(100) + "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("201");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\0b", "a\u007fb", "a\u0085b", "a\u001bb"})
    void controlCharactersInsideAnIdAreRefusedWithTheirPosition(String id) {
        assertThatThrownBy(() -> ImportRequest.of(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("importId must not contain control characters, found U+")
                .hasMessageEndingWith("at index 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a<high>", "<low>b", "a<low><high>b"})
    void aLoneSurrogateIsRefused(String template) {
        String id = template.replace("<high>", String.valueOf((char) 0xD83D)).replace("<low>",
                String.valueOf((char) 0xDE80));
        assertThatThrownBy(() -> ImportRequest.of(id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("importId holds a lone UTF-16 surrogate");
    }
}
