package io.glyphd.store.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.Listing;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How cells become listing fields: names, aliases, value forms and what goes to heuristics. */
class ListingReaderTest {
    @TempDir
    Path dir;

    private static List<Listing> csv(String text) {
        return read(text, ListingFormat.CSV);
    }

    private static List<Listing> read(String text, ListingFormat format) {
        try (ListingReader reader = ListingReader.open(new StringReader(text), format, "test")) {
            return reader.stream().toList();
        }
    }

    @Test
    void floatsWithZeroFractionFillWholeNumberFields() {
        Listing l = csv("canonical_model,price,score,vram_gb,tdp_w,mig_capable,cuda_cores,pcie_generation,moq\n"
                + "A,1,0.5,12.0,250.0,7.0,6144.0,5.0,1e1\n").get(0);

        assertThat(l.vramGb()).isEqualTo(12);
        assertThat(l.tdpWatts()).isEqualTo(250);
        assertThat(l.migSupport()).isEqualTo(7);
        assertThat(l.cudaCores()).isEqualTo(6144);
        assertThat(l.pcieGeneration()).isEqualTo(5);
        assertThat(l.minOrderQty()).isEqualTo(10);
    }

    @Test
    void booleansAcceptPythonAndNumericSpellings() {
        List<Listing> listings = csv("canonical_model,price,score,nvlink\n"
                + "A,1,0.5,True\nA,1,0.5,False\nA,1,0.5,true\nA,1,0.5,FALSE\n"
                + "A,1,0.5,1\nA,1,0.5,0\nA,1,0.5,1.0\nA,1,0.5,0.0\nA,1,0.5,\nA,1,0.5,nan\n");

        assertThat(listings).extracting(Listing::nvlink)
                .containsExactly(true, false, true, false, true, false, true, false, null, null);
    }

    @Test
    void emptyCellsAndNanAreAbsent() {
        Listing l = csv("canonical_model,price,score,vram_gb,match_score,title,region,generation\n"
                + "A,1,0.5,,NaN,,nan,NAN\n").get(0);

        assertThat(l.vramGb()).isNull();
        assertThat(l.matchScore()).isNull();
        assertThat(l.title()).isNull();
        assertThat(l.region()).isNull();
        assertThat(l.generation()).isNull();
    }

    @Test
    void quotedEmptyTextStaysEmptyText() {
        Listing l = csv("canonical_model,price,score,title,notes\nA,1,0.5,\"\",\n").get(0);

        assertThat(l.title()).isEmpty();
        assertThat(l.notes()).isNull();
    }

    @Test
    void textIsKeptExactlyIncludingQuotesCommasAndLineBreaks() {
        Listing l = csv("canonical_model,price,score,title\n A ,1,0.5,\"Card, \"\"fast\"\"\nline 2 \"\n").get(0);

        assertThat(l.canonicalModel()).isEqualTo("A");
        assertThat(l.title()).isEqualTo("Card, \"fast\"\nline 2 ");
    }

    @Test
    void quantityCountIsQuantityAndQuantityTextIsAvailability() {
        List<Listing> listings = csv("canonical_model,price,score,quantity\n"
                + "A,1,0.5,Available\nA,1,0.5,Unavailable\nA,1,0.5,3.0\nA,1,0.5,\n");

        assertThat(listings).extracting(Listing::availability).containsExactly("Available", "Unavailable", null, null);
        assertThat(listings).extracting(Listing::quantity).containsExactly(null, null, 3, null);
    }

    @Test
    void quantityTextNextToAnAvailabilityColumnIsKeptInHeuristics() {
        Listing l = csv("canonical_model,price,score,quantity,availability\nA,1,0.5,Few left,In stock\n").get(0);

        assertThat(l.availability()).isEqualTo("In stock");
        assertThat(l.quantity()).isNull();
        assertThat(l.heuristics()).containsEntry("quantity", "Few left");
    }

    @Test
    void headerNamesMatchIgnoringCaseAndCamelCase() {
        Listing l = csv("Canonical_Model,PRICE,score,tdpWatts,migSupport,Slot Width,geographic_region\n"
                + "A,1,0.5,300,4,2.5,EU\n").get(0);

        assertThat(l.tdpWatts()).isEqualTo(300);
        assertThat(l.migSupport()).isEqualTo(4);
        assertThat(l.slotWidth()).isEqualTo(2.5);
        assertThat(l.region()).isEqualTo("EU");
    }

    @Test
    void unknownColumnsAreKeptInHeuristicsAndListed() {
        try (ListingReader reader = ListingReader.open(new StringReader(
                "canonical_model,price,score,shipping,Vendor SKU\nA,1,0.5,free,\nB,2,0.6,paid,X-1\n"),
                ListingFormat.CSV, "extra.csv")) {
            List<Listing> listings = reader.stream().toList();

            assertThat(reader.extraColumns()).containsExactly("shipping", "Vendor SKU");
            assertThat(listings.get(0).heuristics()).isEqualTo(Map.of("shipping", "free"));
            assertThat(listings.get(1).heuristics()).isEqualTo(Map.of("shipping", "paid", "Vendor SKU", "X-1"));
        }
    }

    @Test
    void heuristicsJsonMergesWithHeuristicColumnsWhichWin() {
        Listing l = csv("canonical_model,price,score,heuristics,listing_age,is_valid_gpu,quantization_capacity\n"
                + "A,1,0.5,\"{\"\"listing_age\"\":\"\"old\"\",\"\"n\"\":[1,2]}\",Current,False,4\n").get(0);

        assertThat(l.heuristics()).isEqualTo(Map.of("listing_age", "Current", "n", List.of(1, 2),
                "is_valid_gpu", false, "quantization_capacity", 4));
    }

    @Test
    void provenanceColumnsAreIgnored() {
        Listing l = csv("canonical_model,price,score,import_id,import_index\nA,1,0.5,old,7\n").get(0);

        assertThat(l.importId()).isNull();
        assertThat(l.importIndex()).isNull();
        assertThat(l.heuristics()).isEmpty();
    }

    @Test
    void seenAtAcceptsIsoInstantsOffsetsAndZonelessTimesAsUtc() {
        List<Listing> listings = csv("canonical_model,price,score,seen_at\n"
                + "A,1,0.5,2025-07-29T12:00:00Z\nA,1,0.5,2025-07-29T14:00:00+02:00\n"
                + "A,1,0.5,2025-07-29 12:00:00\nA,1,0.5,2025-07-29\nA,1,0.5,2025-07-29T12:00:00.123456Z\n");

        assertThat(listings).extracting(Listing::seenAt).containsExactly(
                Instant.parse("2025-07-29T12:00:00Z"), Instant.parse("2025-07-29T12:00:00Z"),
                Instant.parse("2025-07-29T12:00:00Z"), Instant.parse("2025-07-29T00:00:00Z"),
                Instant.parse("2025-07-29T12:00:00.123456Z"));
    }

    @Test
    void byteOrderMarkAndWindowsLineEndingsAreAccepted() {
        byte[] bytes = "\uFEFFcanonical_model,price,score\r\nA,1,0.5\r\n\r\nB,2,0.25\r\n"
                .getBytes(StandardCharsets.UTF_8);
        try (ListingReader reader = ListingReader.open(new ByteArrayInputStream(bytes), ListingFormat.CSV, "bom")) {
            assertThat(reader.stream()).extracting(Listing::canonicalModel).containsExactly("A", "B");
        }
    }

    @Test
    void jsonArrayAcceptsSnakeOrCamelCaseNumbersAsTextAndNanAsAbsent() {
        List<Listing> listings = read("""
                [
                  {"canonicalModel": "A", "price": 595.99, "score": 0.5, "vramGb": 12.0, "nvlink": true,
                   "matchScore": NaN, "heuristics": {"k": "v"}, "shipping": {"days": 2}},
                  {"canonical_model": "B", "price": "10", "score": "0.25", "tdp_w": "250.0", "quantity": "Available",
                   "title": "", "region": null}
                ]
                """, ListingFormat.JSON);

        assertThat(listings).hasSize(2);
        Listing a = listings.get(0);
        assertThat(a.price()).isEqualByComparingTo("595.99");
        assertThat(a.vramGb()).isEqualTo(12);
        assertThat(a.nvlink()).isTrue();
        assertThat(a.matchScore()).isNull();
        assertThat(a.heuristics()).isEqualTo(Map.of("k", "v", "shipping", Map.of("days", 2)));
        Listing b = listings.get(1);
        assertThat(b.score()).isEqualTo(0.25);
        assertThat(b.tdpWatts()).isEqualTo(250);
        assertThat(b.availability()).isEqualTo("Available");
        assertThat(b.title()).isEmpty();
        assertThat(b.region()).isNull();
    }

    @Test
    void jsonLinesAreReadOneObjectPerLine() {
        List<Listing> listings = read("""
                {"canonical_model": "A", "price": 1, "score": 0.5}
                {"canonical_model": "B", "price": 2, "score": 0.6}
                """, ListingFormat.JSON);

        assertThat(listings).extracting(Listing::canonicalModel).containsExactly("A", "B");
    }

    @Test
    void formatFollowsTheFileExtension() {
        Path json = TestFiles.write(dir, "listings.JSON", "[{\"canonical_model\": \"A\", \"price\": 1, \"score\": 0}]");
        Path csv = TestFiles.write(dir, "listings.csv", "canonical_model,price,score\nB,1,0\n");

        assertThat(TestFiles.readAll(json)).extracting(Listing::canonicalModel).containsExactly("A");
        assertThat(TestFiles.readAll(csv)).extracting(Listing::canonicalModel).containsExactly("B");
        assertThatThrownBy(() -> ListingReader.open(dir.resolve("listings.txt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listings.txt").hasMessageContaining(".csv");
    }

    @Test
    void closingTheStreamClosesTheReader() {
        AtomicBoolean closed = new AtomicBoolean();
        StringReader in = new StringReader("canonical_model,price,score\nA,1,0.5\n") {
            @Override
            public void close() {
                closed.set(true);
                super.close();
            }
        };
        try (Stream<Listing> listings = ListingReader.open(in, ListingFormat.CSV, "test").stream()) {
            assertThat(listings.count()).isOne();
        }
        assertThat(closed).isTrue();
    }
}
