package io.glyphd.store.cli;

import io.glyphd.store.ListingQuery;
import java.math.BigDecimal;
import java.time.Instant;
import picocli.CommandLine.Option;

/** The listing filters of {@code query}, as a mixin for commands that take the same filters ({@code stats}). */
final class FilterOptions {
    @Option(names = "--model", paramLabel = "M", description = "Canonical model, e.g. RTX_4090.")
    String model;

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

    /** Returns a query builder holding these filters; {@code build()} checks that they are consistent. */
    ListingQuery.Builder toQuery() {
        return ListingQuery.builder().model(model).minScore(minScore).maxScore(maxScore).minPrice(minPrice)
                .maxPrice(maxPrice).region(region).condition(condition).importId(importId).seenAfter(seenAfter)
                .seenBefore(seenBefore);
    }
}
