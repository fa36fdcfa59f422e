package io.glyphd.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Valid listings for tests, with one-line variations. */
public final class TestListings {
    /** A fixed instant the samples are seen at, so tests do not depend on the clock. */
    public static final Instant T0 = Instant.parse("2025-07-29T10:15:30.123456Z");
    private static final String[] MODELS = {"H100_PCIE_80GB", "A100_40GB_PCIE", "RTX_4090", "RTX_3090"};
    private static final String[] REGIONS = {"USA", "EU", "APAC"};

    private TestListings() {
    }

    /** Returns a minimal valid listing. */
    public static Listing listing(String model, String price, double score) {
        return Listing.builder().canonicalModel(model).price(price).score(score).build();
    }

    /** Returns a listing with every component set. */
    public static Listing full() {
        Map<String, Object> heuristics = new LinkedHashMap<>();
        heuristics.put("bulk_notes", "SKU: 824142405772, Vendor: MSI");
        heuristics.put("match_notes", "regex: matched pattern 'RTX_5070'");
        heuristics.put("listing_age", "Current");
        heuristics.put("depth", Map.of("n", 3, "ratio", 0.25, "tags", List.of("a", "b")));
        return Listing.builder()
                .canonicalModel("RTX_5070").price("595.99").score(0.274989)
                .vramGb(12).tdpWatts(250).migSupport(0).nvlink(false).generation("Blackwell").cudaCores(6144)
                .slotWidth(2.0).pcieGeneration(5).formFactor("Dual-slot")
                .title("MSI RTX 5070 12G SHADOW 2X OC").condition("New").quantity(3).availability("Available")
                .minOrderQty(1).seller("Wamatek").region("USA")
                .sourceUrl("https://wamatek.com/products/msi-rtx-5070-12g-shadow-2x-oc").sourceType("Shopify_Wamatek")
                .seenAt(T0).matchType("regex").matchScore(0.9).notes("boxed").warnings("price unverified")
                .heuristics(heuristics)
                .build();
    }

    /**
     * Returns {@code n} varied listings: models, regions and conditions cycle, scores and prices differ, seenAt
     * advances one hour per listing from {@link #T0}.
     */
    public static List<Listing> sample(int n) {
        List<Listing> listings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            listings.add(Listing.builder()
                    .canonicalModel(MODELS[i % MODELS.length])
                    .price(new BigDecimal(1000 + 250 * i).add(new BigDecimal("0.99")))
                    .score(0.1 + (i * 37 % 90) / 100.0)
                    .region(REGIONS[i % REGIONS.length])
                    .condition(i % 2 == 0 ? "New" : "Used")
                    .seenAt(T0.plusSeconds(3600L * i))
                    .sourceUrl("https://example.com/listing/" + i)
                    .title("listing " + i)
                    .build());
        }
        return listings;
    }
}
