package io.glyphd.store.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the store writes (query --format csv|json) reads back into equal listings. */
class RoundTripTest {
    @TempDir
    Path dir;
    ListingStore store;

    @BeforeEach
    void open() {
        store = new SqliteListingStore(dir.resolve("listings.sqlite3"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static String write(List<Listing> listings, ListingFormat format) {
        StringWriter out = new StringWriter();
        try (ListingWriter writer = ListingWriter.open(out, format)) {
            listings.forEach(writer::write);
        }
        return out.toString();
    }

    private static List<Listing> read(String text, ListingFormat format) {
        try (ListingReader reader = ListingReader.open(new StringReader(text), format, "round trip")) {
            return reader.stream().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(ListingFormat.class)
    void realFileQueriedWrittenAndImportedAgainIsUnchanged(ListingFormat format) throws IOException {
        Path source = TestFiles.copy(TestFiles.WAMATEK, dir);
        try (ListingReader reader = ListingReader.open(source)) {
            store.importListings(reader, ImportRequest.of("original"));
        }
        List<Listing> original = TestFiles.queryAll(store, "original");

        Path exported = dir.resolve("exported." + format.name().toLowerCase(Locale.ROOT));
        try (Writer out = Files.newBufferedWriter(exported, StandardCharsets.UTF_8);
                ListingWriter writer = ListingWriter.open(out, format)) {
            original.forEach(writer::write);
        }
        try (ListingReader reader = ListingReader.open(exported)) {
            store.importListings(reader, ImportRequest.of("copy"));
        }
        List<Listing> copy = TestFiles.queryAll(store, "copy");

        assertThat(copy).hasSize(TestFiles.WAMATEK_ROWS);
        assertThat(TestFiles.withoutProvenance(copy)).isEqualTo(TestFiles.withoutProvenance(original));
    }

    @ParameterizedTest
    @EnumSource(ListingFormat.class)
    void everyFieldSurvivesIncludingAwkwardValues(ListingFormat format) {
        Listing full = Listing.builder().canonicalModel("H100_PCIE_80GB").price(new BigDecimal("1000000000.123456"))
                .score(1.0E-7).vramGb(80).tdpWatts(350).migSupport(7).nvlink(true).generation("Hopper")
                .cudaCores(14592).slotWidth(2.5).pcieGeneration(5).formFactor("Dual-slot")
                .title("H100, \"80GB\"\nsecond line, ünïcödé ✓ 𝄞").condition("").quantity(0)
                .availability("Available").minOrderQty(1).seller("  padded  ").region("EU")
                .sourceUrl("https://example.com/a?b=c,d").sourceType("Shopify")
                .seenAt(Instant.parse("2025-07-29T12:34:56.123456Z")).matchType("regex").matchScore(0.6400000000000001)
                .notes("=1+2").warnings("-").heuristics(Map.of("nested", Map.of("list", List.of(1, 2.5, "x")),
                        "flag", false, "big", 12345678901L, "empty", ""))
                .importId("export").importIndex(1).build();
        Listing sparse = Listing.builder().canonicalModel("X").price("0").score(-0.0).build();

        List<Listing> back = read(write(List.of(full, sparse), format), format);

        assertThat(back).containsExactly(full.withProvenance(null, null), sparse);
    }

    @Test
    void csvHasOneSnakeCaseColumnPerComponent() {
        String csv = write(List.of(Listing.builder().canonicalModel("A").price("595.990").score(0.5)
                .seenAt(Instant.parse("2025-07-29T12:00:00Z")).heuristics(Map.of("k", 1)).build()), ListingFormat.CSV);

        assertThat(csv).isEqualTo("canonical_model,price,score,vram_gb,tdp_watts,mig_support,nvlink,generation,"
                + "cuda_cores,slot_width,pcie_generation,form_factor,title,condition,quantity,availability,"
                + "min_order_qty,seller,region,source_url,source_type,seen_at,match_type,match_score,notes,warnings,"
                + "heuristics,import_id,import_index,offer_rows\n"
                + "A,595.99,0.5,,,,,,,,,,,,,,,,,,,2025-07-29T12:00:00Z,,,,,\"{\"\"k\"\":1}\",,,\n");
    }

    @Test
    void jsonIsAnArrayOfListingObjects() {
        assertThat(write(List.of(), ListingFormat.JSON).strip()).isEqualTo("[ ]");
        String json = write(List.of(Listing.builder().canonicalModel("A").price("1").score(0.5).build()),
                ListingFormat.JSON);

        assertThat(json).startsWith("[ {\n  \"canonicalModel\" : \"A\",\n  \"price\" : 1,\n  \"score\" : 0.5,")
                .endsWith("} ]");
    }

    @Test
    void writerLeavesTheTargetOpenAndRefusesWritesAfterClose() throws IOException {
        StringWriter out = new StringWriter();
        ListingWriter writer = ListingWriter.open(out, ListingFormat.CSV);
        writer.close();
        writer.close();
        out.write("still open");

        assertThat(out.toString()).endsWith("offer_rows\nstill open");
        assertThatThrownBy(() -> writer.write(Listing.builder().canonicalModel("A").price("1").score(0).build()))
                .isInstanceOf(IllegalStateException.class);
    }
}
