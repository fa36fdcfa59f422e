package io.glyphd.store.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.glyphd.store.ImportDiff;
import io.glyphd.store.ListingStore;
import io.glyphd.store.UnknownImportException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code glyphd-store diff FROM TO}: prints the listings added, removed and changed from one import to another. */
@Command(name = "diff", description = {
    "Prints the listings added, removed and changed (price or score) from import FROM to import TO, with exact"
            + " counts.",
    "A listing is the same in both when its URL matches exactly and its model ignoring case; listings without a"
            + " URL are left out. When an import has a listing several times, its first row counts."})
final class DiffCommand extends StoreCommand {
    static final int DEFAULT_LIMIT = 100;

    @Parameters(index = "0", paramLabel = "FROM", description = "The earlier import's id.")
    String fromImportId;

    @Parameters(index = "1", paramLabel = "TO", description = "The later import's id.")
    String toImportId;

    @Option(names = "--limit", paramLabel = "N",
            description = "Most listings to print of each kind (default: " + DEFAULT_LIMIT + "); the counts are"
                    + " always complete.")
    Integer limit;

    @Option(names = "--all", description = "Print every added, removed and changed listing (not with --limit).")
    boolean all;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "Output format (default: table).")
    OutputFormat format;

    @Override
    public Integer call() {
        if (all && limit != null) {
            throw new ParameterException(spec.commandLine(), "--all cannot be combined with --limit");
        }
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 0, was " + limit);
        }
        ImportDiff diff;
        try (ListingStore store = openExistingStore()) {
            diff = store.diff(fromImportId, toImportId, all ? Integer.MAX_VALUE : limit == null ? DEFAULT_LIMIT
                    : limit);
        } catch (UnknownImportException e) {
            throw new CommandFailure(e.getMessage() + "; 'glyphd-store imports' lists them");
        }
        switch (format) {
            case JSON -> Output.json(out(), json -> writeJson(json, diff));
            case CSV -> {
                Output.csv(out(), List.of("change", "source_url", "canonical_model", "from_price", "to_price",
                        "price_change", "price_change_percent", "from_score", "to_score", "score_change",
                        "from_row_count", "to_row_count"), csvRows(diff));
                err().println(summary(diff));
            }
            default -> printTable(diff);
        }
        return 0;
    }

    private void printTable(ImportDiff diff) {
        Table table = new Table("CHANGE", "MODEL", "OLD_PRICE", "NEW_PRICE", "DIFF", "DIFF_%", "OLD_SCORE",
                "NEW_SCORE", "SOURCE_URL").alignRight(2, 3, 4, 5, 6, 7).whole(8);
        for (ImportDiff.Entry e : diff.added()) {
            table.row("added", e.canonicalModel(), null, price(e.price()), null, null, null, score(e.score()),
                    e.sourceUrl());
        }
        for (ImportDiff.Entry e : diff.removed()) {
            table.row("removed", e.canonicalModel(), price(e.price()), null, null, null, score(e.score()), null,
                    e.sourceUrl());
        }
        for (ImportDiff.Change c : diff.changed()) {
            table.row("changed", c.canonicalModel(), price(c.fromPrice()), price(c.toPrice()),
                    c.priceChange().signum() == 0 ? null : HistoryCommand.signed(c.priceChange()),
                    c.priceChangePercent().filter(p -> p.signum() != 0).map(p -> (p.signum() > 0 ? "+" : "")
                            + p.toPlainString() + "%").orElse(null),
                    score(c.fromScore()), score(c.toScore()), c.sourceUrl());
        }
        if (!table.isEmpty()) {
            table.print(out());
        }
        err().println(summary(diff));
    }

    /** Returns e.g. "import a -> import b: 3 added, 1 removed, 2 changed, 40 unchanged.", saying if lists are cut. */
    static String summary(ImportDiff diff) {
        String counts = "import " + diff.fromImportId() + " -> import " + diff.toImportId() + ": "
                + diff.addedCount() + " added, " + diff.removedCount() + " removed, " + diff.changedCount()
                + " changed, " + diff.unchangedCount() + " unchanged";
        if (diff.isComplete()) {
            return counts + ".";
        }
        int shown = Math.max(diff.added().size(), Math.max(diff.removed().size(), diff.changed().size()));
        return counts + "; showing the first " + shown + " of each kind (--all shows every one).";
    }

    private static void writeJson(JsonGenerator json, ImportDiff diff) throws IOException {
        json.writeStartObject();
        json.writeStringField("fromImportId", diff.fromImportId());
        json.writeStringField("toImportId", diff.toImportId());
        json.writeNumberField("addedCount", diff.addedCount());
        json.writeNumberField("removedCount", diff.removedCount());
        json.writeNumberField("changedCount", diff.changedCount());
        json.writeNumberField("unchangedCount", diff.unchangedCount());
        json.writeBooleanField("complete", diff.isComplete());
        writeEntries(json, "added", diff.added());
        writeEntries(json, "removed", diff.removed());
        json.writeArrayFieldStart("changed");
        for (ImportDiff.Change c : diff.changed()) {
            json.writeStartObject();
            json.writeStringField("sourceUrl", c.sourceUrl());
            json.writeStringField("canonicalModel", c.canonicalModel());
            Output.price(json, "fromPrice", c.fromPrice());
            Output.price(json, "toPrice", c.toPrice());
            Output.price(json, "priceChange", c.priceChange());
            Output.price(json, "priceChangePercent", c.priceChangePercent().orElse(null));
            json.writeNumberField("fromScore", c.fromScore());
            json.writeNumberField("toScore", c.toScore());
            json.writeNumberField("scoreChange", c.scoreChange());
            json.writeNumberField("fromRowCount", c.fromRowCount());
            json.writeNumberField("toRowCount", c.toRowCount());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeEntries(JsonGenerator json, String field, List<ImportDiff.Entry> entries)
            throws IOException {
        json.writeArrayFieldStart(field);
        for (ImportDiff.Entry e : entries) {
            json.writeStartObject();
            json.writeStringField("sourceUrl", e.sourceUrl());
            json.writeStringField("canonicalModel", e.canonicalModel());
            Output.price(json, "price", e.price());
            json.writeNumberField("score", e.score());
            json.writeNumberField("rowCount", e.rowCount());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static List<String[]> csvRows(ImportDiff diff) {
        List<String[]> rows = new ArrayList<>();
        for (ImportDiff.Entry e : diff.added()) {
            rows.add(new String[] {"added", e.sourceUrl(), e.canonicalModel(), null, e.price().toPlainString(), null,
                    null, null, Double.toString(e.score()), null, null, Integer.toString(e.rowCount())});
        }
        for (ImportDiff.Entry e : diff.removed()) {
            rows.add(new String[] {"removed", e.sourceUrl(), e.canonicalModel(), e.price().toPlainString(), null,
                    null, null, Double.toString(e.score()), null, null, Integer.toString(e.rowCount()), null});
        }
        for (ImportDiff.Change c : diff.changed()) {
            rows.add(new String[] {"changed", c.sourceUrl(), c.canonicalModel(), c.fromPrice().toPlainString(),
                    c.toPrice().toPlainString(), c.priceChange().toPlainString(),
                    Output.plain(c.priceChangePercent().orElse(null)), Double.toString(c.fromScore()),
                    Double.toString(c.toScore()), Double.toString(c.scoreChange()), Integer.toString(c.fromRowCount()),
                    Integer.toString(c.toRowCount())});
        }
        return rows;
    }
}
