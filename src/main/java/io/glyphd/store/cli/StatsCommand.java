package io.glyphd.store.cli;

import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code glyphd-store stats}: prints market statistics per model over the listings that match filters. */
@Command(name = "stats", description = {
    "Prints, per model, how many listings match the filters (those of query), their lowest, median, highest and"
            + " average price, their average and best score, and the best-scoring listing.",
    "Every row counts, duplicates included, unless --distinct-offers counts each offer once (by its first row)."
            + " The median of an even count is the mean of the two middle prices; the average is rounded half-even"
            + " to the micro-dollar."})
final class StatsCommand extends StoreCommand {
    @Mixin
    FilterOptions filters;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "Output format (default: table).")
    OutputFormat format;

    @Override
    public Integer call() {
        ListingQuery query;
        try {
            query = filters.toQuery().build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid filters: " + e.getMessage());
        }
        List<ModelStats> stats;
        try (ListingStore store = openExistingStore()) {
            stats = store.modelStats(query);
        }
        switch (format) {
            case JSON -> Output.json(out(), json -> {
                json.writeStartArray();
                for (ModelStats s : stats) {
                    json.writeStartObject();
                    json.writeStringField("canonicalModel", s.canonicalModel());
                    json.writeNumberField("listingCount", s.listingCount());
                    Output.price(json, "minPrice", s.minPrice());
                    Output.price(json, "medianPrice", s.medianPrice());
                    Output.price(json, "maxPrice", s.maxPrice());
                    Output.price(json, "averagePrice", s.averagePrice());
                    json.writeNumberField("averageScore", s.averageScore());
                    json.writeNumberField("bestScore", s.bestScore());
                    Output.listing(json, "bestListing", s.bestListing());
                    json.writeEndObject();
                }
                json.writeEndArray();
            });
            case CSV -> {
                List<String[]> rows = new ArrayList<>();
                for (ModelStats s : stats) {
                    Listing best = s.bestListing();
                    rows.add(new String[] {s.canonicalModel(), Long.toString(s.listingCount()),
                            s.minPrice().toPlainString(), s.medianPrice().toPlainString(), s.maxPrice().toPlainString(),
                            s.averagePrice().toPlainString(), Double.toString(s.averageScore()),
                            Double.toString(s.bestScore()), best.price().toPlainString(), best.importId(),
                            Output.text(best.importIndex()), best.title(), best.sourceUrl()});
                }
                Output.csv(out(), List.of("canonical_model", "listing_count", "min_price", "median_price",
                        "max_price", "average_price", "average_score", "best_score", "best_price", "best_import_id",
                        "best_import_index", "best_title", "best_source_url"), rows);
            }
            default -> printTable(stats, query.distinctOffers());
        }
        return 0;
    }

    private void printTable(List<ModelStats> stats, boolean offers) {
        if (stats.isEmpty()) {
            err().println(offers ? "No offers match." : "No listings match.");
            return;
        }
        Table table = new Table("MODEL", offers ? "OFFERS" : "LISTINGS", "MIN", "MEDIAN", "MAX", "AVERAGE",
                "AVG_SCORE", "BEST_SCORE", "BEST_PRICE", "BEST_IMPORT", "ROW", "BEST_TITLE")
                .alignRight(1, 2, 3, 4, 5, 6, 7, 8, 10);
        long listings = 0;
        for (ModelStats s : stats) {
            Listing best = s.bestListing();
            table.row(s.canonicalModel(), s.listingCount(), price(s.minPrice()), price(s.medianPrice()),
                    price(s.maxPrice()), price(s.averagePrice()), score(s.averageScore()), score(s.bestScore()),
                    price(best.price()), best.importId(), best.importIndex(), best.title());
            listings += s.listingCount();
        }
        table.print(out());
        err().println(stats.size() + " models, " + listings + (offers ? " offers." : " listings."));
    }
}
