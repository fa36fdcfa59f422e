package io.glyphd.store.cli;

import io.glyphd.store.ListingStore;
import io.glyphd.store.PricePoint;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code glyphd-store history URL MODEL}: prints how one listing's price and score moved across imports. */
@Command(name = "history", description = {
    "Prints one listing's price and score in each import that has it, oldest first.",
    "A listing is the same across imports when its URL matches exactly and its model ignoring case. When an"
            + " import has the listing several times, its first row counts; ROWS says how many there were."})
final class HistoryCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URL", description = "The listing's source URL.")
    String sourceUrl;

    @Parameters(index = "1", paramLabel = "MODEL", description = "The listing's canonical model, e.g. RTX_4090.")
    String model;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "Output format (default: table).")
    OutputFormat format;

    @Override
    public Integer call() {
        if (sourceUrl.isEmpty() || model.isBlank()) {
            throw new ParameterException(spec.commandLine(), "URL and MODEL must not be empty");
        }
        List<PricePoint> points;
        try (ListingStore store = openExistingStore()) {
            points = store.history(sourceUrl, model);
        }
        switch (format) {
            case JSON -> Output.json(out(), json -> {
                json.writeStartArray();
                for (PricePoint p : points) {
                    json.writeStartObject();
                    json.writeStringField("importId", p.importId());
                    json.writeStringField("importedAt", p.importedAt().toString());
                    json.writeStringField("seenAt", Output.text(p.seenAt()));
                    Output.price(json, "price", p.price());
                    json.writeNumberField("score", p.score());
                    json.writeNumberField("rowCount", p.rowCount());
                    json.writeEndObject();
                }
                json.writeEndArray();
            });
            case CSV -> {
                List<String[]> rows = new ArrayList<>();
                for (PricePoint p : points) {
                    rows.add(new String[] {p.importId(), p.importedAt().toString(), Output.text(p.seenAt()),
                            p.price().toPlainString(), Double.toString(p.score()), Integer.toString(p.rowCount())});
                }
                Output.csv(out(), List.of("import_id", "imported_at", "seen_at", "price", "score", "row_count"), rows);
            }
            default -> printTable(points);
        }
        return 0;
    }

    private void printTable(List<PricePoint> points) {
        if (points.isEmpty()) {
            err().println("No import in " + location() + " has " + sourceUrl + " (" + model + ").");
            return;
        }
        Table table = new Table("IMPORT_ID", "IMPORTED_AT", "SEEN_AT", "PRICE", "CHANGE", "SCORE", "ROWS")
                .alignRight(3, 4, 5, 6);
        BigDecimal previous = null;
        for (PricePoint p : points) {
            table.row(p.importId(), p.importedAt(), p.seenAt(), price(p.price()),
                    previous == null ? null : signed(p.price().subtract(previous)), score(p.score()), p.rowCount());
            previous = p.price();
        }
        table.print(out());
    }

    /** Returns a price change with its sign, e.g. {@code +10.00} or {@code -5.50}. */
    static String signed(BigDecimal change) {
        return (change.signum() > 0 ? "+" : "") + price(change);
    }
}
