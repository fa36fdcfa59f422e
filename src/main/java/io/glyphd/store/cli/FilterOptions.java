package io.glyphd.store.cli;

import io.glyphd.store.ListingQuery;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/** The listing filters of {@code query}, as a mixin for commands that take the same filters ({@code stats}). */
final class FilterOptions {
    @Option(names = "--model", paramLabel = "M", split = ",",
            description = "Canonical model, e.g. RTX_4090; several (comma-separated or repeated) match any of them.")
    List<String> models;

    @Option(names = "--min-score", paramLabel = "X", description = "Lowest score.")
    Double minScore;

    @Option(names = "--max-score", paramLabel = "X", description = "Highest score.")
    Double maxScore;

    @Option(names = "--min-price", paramLabel = "P", description = "Lowest price in USD.")
    BigDecimal minPrice;

    @Option(names = "--max-price", paramLabel = "P", description = "Highest price in USD.")
    BigDecimal maxPrice;

    @Option(names = "--region", paramLabel = "R", description = "Region, e.g. USA.")
    String region;

    @Option(names = "--condition", paramLabel = "C", description = "Condition, e.g. New.")
    String condition;

    @Option(names = "--import-id", paramLabel = "ID", description = "Only this import's listings.")
    String importId;

    @Option(names = "--seen-after", paramLabel = "T", converter = QueryCommand.InstantConverter.class,
            description = "Seen at or after T (ISO-8601, e.g. 2025-07-29 or 2025-07-29T12:00:00Z).")
    Instant seenAfter;

    @Option(names = "--seen-before", paramLabel = "T", converter = QueryCommand.InstantConverter.class,
            description = "Seen before T.")
    Instant seenBefore;

    @Option(names = "--min-vram", paramLabel = "GB", description = "Least memory in GB.")
    Integer minVramGb;

    @Option(names = "--max-vram", paramLabel = "GB", description = "Most memory in GB.")
    Integer maxVramGb;

    @Option(names = "--min-mig", paramLabel = "N", description = "Least MIG instances supported, 0 to 7.")
    Integer minMigSupport;

    @Option(names = "--nvlink", negatable = true, description = "Only cards with NVLink (--no-nvlink: without).")
    Boolean nvlink;

    @Option(names = "--generation", paramLabel = "G", description = "Architecture generation, e.g. Ada.")
    String generation;

    @Option(names = "--form-factor", paramLabel = "F", description = "Form factor, e.g. Dual-slot.")
    String formFactor;

    @Option(names = "--seller", paramLabel = "S", description = "Seller, e.g. Wamatek.")
    String seller;

    @Option(names = "--source-type", paramLabel = "T", description = "Scraper of the offer, e.g. Shopify_Wamatek.")
    String sourceType;

    @Option(names = "--availability", paramLabel = "A", description = "Availability text, e.g. Unavailable.")
    String availability;

    @Option(names = "--in-stock", description = "Only offers in stock: availability Available, or no availability"
            + " and a quantity of at least 1.")
    boolean inStock;

    @Option(names = "--source-url", paramLabel = "URL", description = "Only this offer's address (exactly).")
    String sourceUrl;

    @Option(names = "--min-match-score", paramLabel = "X",
            description = "Least confidence that the canonical model is right, e.g. 0.8.")
    Double minMatchScore;

    @Option(names = "--current", description = "The current market: only the newest import of each source"
            + " (an import without a source is one of its own).")
    boolean current;

    @Option(names = "--distinct-offers", description = "One row per offer (source URL and model) and import: its"
            + " first row, with the number of rows it stands for.")
    boolean distinctOffers;

    /** Returns a query builder holding these filters; {@code build()} checks that they are consistent. */
    ListingQuery.Builder toQuery() {
        // One --model is the model filter; several are the models filter.
        return ListingQuery.builder().model(models != null && models.size() == 1 ? models.get(0) : null)
                .models(models != null && models.size() > 1 ? models : null).minScore(minScore).maxScore(maxScore)
                .minPrice(minPrice).maxPrice(maxPrice).region(region).condition(condition).importId(importId)
                .seenAfter(seenAfter).seenBefore(seenBefore).minVramGb(minVramGb).maxVramGb(maxVramGb)
                .minMigSupport(minMigSupport).nvlink(nvlink).generation(generation).formFactor(formFactor)
                .seller(seller).sourceType(sourceType).availability(availability).inStock(inStock)
                .sourceUrl(sourceUrl).minMatchScore(minMatchScore).current(current).distinctOffers(distinctOffers);
    }
}
