package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-only CSV reader that builds the fixtures from the real data. */
class ScoredCsvTest {

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() {
        String csv = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n,\"\",last";

        assertThat(ScoredCsv.parse(csv)).containsExactly(List.of("a", "b", "c"),
                List.of("x, y", "say \"hi\"", "two\nlines"), List.of("", "", "last"));
    }

    @Test
    void aFinalLineEndAndATrailingEmptyFieldAreHandled() {
        assertThat(ScoredCsv.parse("a,b\n1,\n")).containsExactly(List.of("a", "b"), List.of("1", ""));
        assertThat(ScoredCsv.parse("a,b\n1,")).containsExactly(List.of("a", "b"), List.of("1", ""));
    }

    @Test
    void anUnterminatedQuoteIsAnError() {
        assertThatThrownBy(() -> ScoredCsv.parse("a\n\"open")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record 2");
    }

    @Test
    void theRealFileReadsCompletely() {
        List<Listing> listings = ScoredCsv.wamatek();

        assertThat(listings).hasSize(10_530);
        assertThat(listings.get(0)).satisfies(l -> {
            assertThat(l.canonicalModel()).isEqualTo("RTX_5070");
            assertThat(l.price()).isEqualByComparingTo("595.99");
            assertThat(l.score()).isEqualTo(0.274989);
            assertThat(l.region()).isEqualTo("USA");
            assertThat(l.sourceUrl()).isEqualTo("https://wamatek.com/products/msi-rtx-5070-12g-shadow-2x-oc");
            assertThat(l.availability()).isEqualTo("Available");
            assertThat(l.vramGb()).isEqualTo(12);
            assertThat(l.migSupport()).isZero();
            assertThat(l.nvlink()).isFalse();
            assertThat(l.generation()).isEqualTo("Blackwell");
            assertThat(l.formFactor()).isEqualTo("Dual-slot");
            assertThat(l.matchScore()).isEqualTo(0.9);
        });
        assertThat(listings).filteredOn(l -> "Available".equals(l.availability())).hasSize(2_214);
        assertThat(listings).anySatisfy(l -> assertThat(l.title())
                .isEqualTo("StarTech.com SDI to HDMI Converter &acirc;&euro;\" 3G SDI to HDMI Adapter with SDI Loop"
                        + " Through Output"));
        assertThat(WamatekImports.identities()).hasSize(570);
    }
}
