package io.glyphd.store.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's two real formats import completely, and every cell lands where it belongs. */
class PipelineFilesTest {
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

    @Test
    void enrichedFileImportsEveryRowAndEveryCellMatchesTheFile() throws IOException {
        Path file = TestFiles.copy(TestFiles.WAMATEK, dir);
        ImportResult result;
        try (ListingReader reader = ListingReader.open(file)) {
            result = store.importListings(reader, new ImportRequest("wamatek", file.getFileName().toString(), null));
            assertThat(reader.extraColumns()).isEmpty();
        }
        assertThat(result.recordCount()).isEqualTo(TestFiles.WAMATEK_ROWS);

        List<Listing> stored = TestFiles.queryAll(store, "wamatek");
        List<Map<String, String>> rows = rawRows(file);
        assertThat(stored).hasSize(rows.size()).hasSize(TestFiles.WAMATEK_ROWS);
        for (int i = 0; i < rows.size(); i++) {
            assertMatches(stored.get(i), rows.get(i), i + 2);
        }
    }

    /** Checks one listing against the raw cells of its row; an independent statement of the mapping. */
    private static void assertMatches(Listing l, Map<String, String> row, int line) {
        String at = "line " + line;
        assertThat(l.importIndex()).as(at).isEqualTo(line - 1);
        assertThat(l.canonicalModel()).as(at).isEqualTo(row.get("canonical_model"));
        assertThat(l.price()).as(at).isEqualByComparingTo(new BigDecimal(row.get("price")));
        assertThat(l.score()).as(at).isEqualTo(Double.parseDouble(row.get("score")));
        assertThat(l.condition()).as(at).isEqualTo(text(row.get("condition")));
        assertThat(l.availability()).as(at).isEqualTo(row.get("quantity"));
        assertThat(l.quantity()).as(at).isNull();
        assertThat(l.seller()).as(at).isEqualTo(text(row.get("seller")));
        assertThat(l.region()).as(at).isEqualTo(text(row.get("geographic_region")));
        assertThat(l.sourceUrl()).as(at).isEqualTo(text(row.get("source_url")));
        assertThat(l.sourceType()).as(at).isEqualTo(text(row.get("source_type")));
        assertThat(l.title()).as(at).isEqualTo(text(row.get("title")));
        assertThat(l.matchType()).as(at).isEqualTo(text(row.get("match_type")));
        assertThat(l.matchScore()).as(at).isEqualTo(number(row.get("match_score")));
        assertThat(l.vramGb()).as(at).isEqualTo(whole(row.get("vram_gb")));
        assertThat(l.tdpWatts()).as(at).isEqualTo(whole(row.get("tdp_w")));
        assertThat(l.migSupport()).as(at).isEqualTo(whole(row.get("mig_capable")));
        assertThat(l.slotWidth()).as(at).isEqualTo(number(row.get("slots")));
        assertThat(l.formFactor()).as(at).isEqualTo(text(row.get("form_factor")));
        assertThat(l.nvlink()).as(at).isEqualTo(Boolean.valueOf(row.get("nvlink")));
        assertThat(l.generation()).as(at).isEqualTo(text(row.get("generation")));
        assertThat(l.cudaCores()).as(at).isEqualTo(whole(row.get("cuda_cores")));
        assertThat(l.pcieGeneration()).as(at).isEqualTo(whole(row.get("pcie_generation")));
        assertThat(l.notes()).as(at).isEqualTo(text(row.get("notes")));
        assertThat(l.warnings()).as(at).isEqualTo(text(row.get("warnings")));
        assertThat(l.seenAt()).as(at).isNull();
        assertThat(l.minOrderQty()).as(at).isNull();

        Map<String, Object> heuristics = new HashMap<>();
        for (String name : List.of("model", "listing_age", "bulk_notes", "unknown_reason", "match_notes",
                "quantization_capacity")) {
            if (!row.get(name).isEmpty()) {
                heuristics.put(name, row.get(name));
            }
        }
        heuristics.put("is_valid_gpu", Boolean.valueOf(row.get("is_valid_gpu")));
        assertThat(l.heuristics()).as(at).isEqualTo(heuristics);
    }

    @Test
    void enrichedFileRowReadsBackFieldByField() {
        // line 2615 of wamatek_scored.csv, as the file has it:
        // PNY NVIDIA A800 Graphic,New,14333.99,Unavailable,Wamatek,USA,Current,https://wamatek.com/products/pny-...,
        // Shopify_Wamatek,"SKU: 0751492779430, Vendor: PNY Technologies",PNY NVIDIA A800 Graphic Card - 40 GB HBM2 -
        // Low-profile,A800_40GB,fuzzy,0.8,True,,fuzzy: matched 'A800' with score 100.0,40.0,300.0,7.0,2.0,Dual-slot,
        // True,Ampere,10752.0,4.0,,,,0.460714
        TestFiles.copy(TestFiles.WAMATEK, dir);
        Listing l = TestFiles.readAll(dir.resolve(TestFiles.WAMATEK)).get(2615 - 2);

        assertThat(l.canonicalModel()).isEqualTo("A800_40GB");
        assertThat(l.price()).isEqualByComparingTo("14333.99");
        assertThat(l.score()).isEqualTo(0.460714);
        assertThat(l.condition()).isEqualTo("New");
        assertThat(l.availability()).isEqualTo("Unavailable");
        assertThat(l.quantity()).isNull();
        assertThat(l.seller()).isEqualTo("Wamatek");
        assertThat(l.region()).isEqualTo("USA");
        assertThat(l.sourceUrl())
                .isEqualTo("https://wamatek.com/products/pny-nvidia-a800-graphic-card-40-gb-hbm2-low-profile-1");
        assertThat(l.sourceType()).isEqualTo("Shopify_Wamatek");
        assertThat(l.title()).isEqualTo("PNY NVIDIA A800 Graphic Card - 40 GB HBM2 - Low-profile");
        assertThat(l.matchType()).isEqualTo("fuzzy");
        assertThat(l.matchScore()).isEqualTo(0.8);
        assertThat(l.vramGb()).isEqualTo(40);
        assertThat(l.tdpWatts()).isEqualTo(300);
        assertThat(l.migSupport()).isEqualTo(7);
        assertThat(l.slotWidth()).isEqualTo(2.0);
        assertThat(l.formFactor()).isEqualTo("Dual-slot");
        assertThat(l.nvlink()).isTrue();
        assertThat(l.generation()).isEqualTo("Ampere");
        assertThat(l.cudaCores()).isEqualTo(10752);
        assertThat(l.pcieGeneration()).isEqualTo(4);
        assertThat(l.notes()).isNull();
        assertThat(l.warnings()).isNull();
        assertThat(l.seenAt()).isNull();
        assertThat(l.heuristics()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "model", "PNY NVIDIA A800 Graphic",
                "listing_age", "Current",
                "bulk_notes", "SKU: 0751492779430, Vendor: PNY Technologies",
                "is_valid_gpu", true,
                "match_notes", "fuzzy: matched 'A800' with score 100.0"));
    }

    @Test
    void unknownModelRowKeepsItsReasonAndWarning() {
        TestFiles.copy(TestFiles.WAMATEK, dir);
        Listing l = TestFiles.readAll(dir.resolve(TestFiles.WAMATEK)).get(9 - 2);

        assertThat(l.canonicalModel()).isEqualTo("UNKNOWN");
        assertThat(l.vramGb()).isZero();
        assertThat(l.generation()).isNull();
        assertThat(l.cudaCores()).isNull();
        assertThat(l.warnings()).isEqualTo("Model 'UNKNOWN' not found in GPU registry");
        assertThat(l.heuristics()).containsEntry("unknown_reason", "Could not match to any known GPU model")
                .doesNotContainKey("match_notes");
    }

    @Test
    void minimalScoredFileImportsFieldByField() {
        Path file = TestFiles.copy(TestFiles.SCORED_SAMPLE, dir);
        try (ListingReader reader = ListingReader.open(file)) {
            store.importListings(reader, ImportRequest.of("sample"));
        }

        List<Listing> stored = TestFiles.queryAll(store, "sample");
        assertThat(stored).extracting(Listing::canonicalModel)
                .containsExactly("H100_PCIE_80GB", "A100_40GB_PCIE", "RTX_4090", "RTX_3090", "RTX_A5000");
        assertThat(stored).extracting(Listing::vramGb).containsExactly(80, 40, 24, 24, 24);
        assertThat(stored).extracting(Listing::migSupport).containsExactly(7, 7, 0, 0, 0);
        assertThat(stored).extracting(Listing::nvlink).containsExactly(true, false, false, false, true);
        assertThat(stored).extracting(Listing::tdpWatts).containsExactly(350, 250, 450, 350, 230);
        assertThat(stored).extracting(Listing::price).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("10000"), new BigDecimal("8000"), new BigDecimal("1500"),
                        new BigDecimal("1000"), new BigDecimal("2500"));
        assertThat(stored).extracting(Listing::score)
                .containsExactly(0.7, 0.5185714285714286, 0.3314285714285714, 0.37, 0.4742857142857143);
        assertThat(stored).allSatisfy(l -> {
            assertThat(l.heuristics()).isEmpty();
            assertThat(l.title()).isNull();
            assertThat(l.region()).isNull();
        });
    }

    private static List<Map<String, String>> rawRows(Path file) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            it.forEachRemaining(row -> rows.add(new LinkedHashMap<>(row)));
        }
        return rows;
    }

    private static String text(String cell) {
        return cell.isEmpty() ? null : cell;
    }

    private static Integer whole(String cell) {
        return cell.isEmpty() ? null : (int) Double.parseDouble(cell);
    }

    private static Double number(String cell) {
        return cell.isEmpty() ? null : Double.parseDouble(cell);
    }
}
