package io.glyphd.store.cli;

import io.glyphd.store.ListingQuery;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The listing filters of {@code query}, as a mixin for commands that take the same filters ({@code stats}). */
final class FilterOptions {
    @Option(names = "--model", paramLabel = "M", split = ",",
            description = "Canonical model, e.g. RTX_4090; several (comma-separated or repeated) match any of them.")
    List<String> models;

    /** Longest number an option takes, in characters; a longer one is refused before it is parsed. */
    static final int MAX_NUMBER_LENGTH = 40;

    @Option(names = "--min-score", paramLabel = "X", converter = DoubleConverter.class, description = "Lowest score.")
    Double minScore;

    @Option(names = "--max-score", paramLabel = "X", converter = DoubleConverter.class,
            description = "Highest score.")
    Double maxScore;

    @Option(names = "--min-price", paramLabel = "P", converter = PriceConverter.class,
            description = "Lowest price in USD, 0 to 10^15.")
    BigDecimal minPrice;

    @Option(names = "--max-price", paramLabel = "P", converter = PriceConverter.class,
            description = "Highest price in USD, 0 to 10^15.")
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

    @Option(names = "--min-match-score", paramLabel = "X", converter = DoubleConverter.class,
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

    /** Returns the option's text if it is short enough to be a number we parse, or throws. */
    private static String numberText(String value) {
        String text = value.strip();
        if (text.length() > MAX_NUMBER_LENGTH) {
            throw new TypeConversionException("'" + text.substring(0, MAX_NUMBER_LENGTH) + "…' ("
                    + text.length() + " characters) is too long for a number; at most " + MAX_NUMBER_LENGTH);
        }
        return text;
    }

    /**
     * Converts a price: decimal text of at most {@value #MAX_NUMBER_LENGTH} characters, checked for length before
     * it is parsed; {@link ListingQuery} then checks its range before any arithmetic on it.
     */
    static final class PriceConverter implements ITypeConverter<BigDecimal> {
        @Override
        public BigDecimal convert(String value) {
            String text = numberText(value);
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a number");
            }
        }
    }

    /** Converts a score bound: a decimal of at most {@value #MAX_NUMBER_LENGTH} characters. */
    static final class DoubleConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String text = numberText(value);
            try {
                return Double.valueOf(text);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a number");
            }
        }
    }
}
