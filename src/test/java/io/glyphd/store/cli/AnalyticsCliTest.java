package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.glyphd.store.ImportDiff;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
import io.glyphd.store.PricePoint;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code history}, {@code diff} and {@code stats} end to end, in process: the real file imported through the CLI as
 * {@code day1}, a changed copy stored as {@code day2}, and each command's table, JSON and CSV checked against what
 * the library answers (whose own correctness {@code ListingAnalyticsContract} tests).
 */
class AnalyticsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String URL = "https://wamatek.com/products/msi-rtx-5070-12g-shadow-2x-oc";

    @TempDir
    Path dir;
    Path db;
    /** The distinct source URLs of day1, in order of first appearance, and the model of each. */
    List<String> urls;
    List<String> models;

    /** What a command line printed and returned. */
    record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = new CliEnvironment(Map.of(CliEnvironment.DB_PATH_VARIABLE, db.toString()),
                false);
        int status = Main.run(args, environment, new PrintWriter(out), new PrintWriter(err), false);
        return new Run(status, out.toString(), err.toString());
    }

    /**
     * Imports the real file as day1 through the CLI, then stores day2: the same rows without the first three
     * listings (by URL), listings 4 to 6 re-priced by +5%, and two new listings.
     */
    @BeforeEach
    void twoImports() throws IOException {
        db = dir.resolve("store.sqlite3");
        Path wamatek = dir.resolve("wamatek_scored.csv");
        try (InputStream in = AnalyticsCliTest.class.getResourceAsStream("/data/wamatek_scored.csv")) {
            Files.copy(in, wamatek);
        }
        assertThat(run("import", wamatek.toString(), "--import-id", "day1").status()).isZero();
        try (ListingStore store = new SqliteListingStore(db)) {
            List<Listing> day1 = new ArrayList<>();
            List<Listing> page;
            do {
                page = store.queryListings(ListingQuery.builder().importId("day1").limit(ListingQuery.MAX_LIMIT)
                        .offset(day1.size()).build());
                day1.addAll(page);
            } while (page.size() == ListingQuery.MAX_LIMIT);
            Map<String, String> distinct = new LinkedHashMap<>();
            day1.forEach(l -> distinct.putIfAbsent(l.sourceUrl(), l.canonicalModel()));
            urls = List.copyOf(distinct.keySet());
            models = List.copyOf(distinct.values());
            List<Listing> day2 = new ArrayList<>();
            for (Listing l : day1) {
                int n = urls.indexOf(l.sourceUrl());
                if (n >= 3 && n < 6) {
                    day2.add(l.toBuilder().price(l.price().multiply(new BigDecimal("1.05"))
                            .setScale(2, RoundingMode.HALF_UP)).build());
                } else if (n >= 6) {
                    day2.add(l);
                }
            }
            day2.add(day1.get(0).toBuilder().sourceUrl(day1.get(0).sourceUrl() + "?variant=new").build());
            day2.add(day1.get(1).toBuilder().sourceUrl(day1.get(1).sourceUrl() + "?variant=new").build());
            store.insertListings(day2, "day2");
        }
    }

    private <T> T withStore(Function<ListingStore, T> query) {
        try (ListingStore store = new SqliteListingStore(db)) {
            return query.apply(store);
        }
    }

    private static List<List<String>> csv(String text) throws IOException {
        try (MappingIterator<List<String>> rows = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .readerForListOf(String.class).readValues(text)) {
            return rows.readAll();
        }
    }

    @Test
    void historyPrintsOnePointPerImportAsTableJsonAndCsv() throws IOException {
        List<PricePoint> points = withStore(s -> s.history(URL, "RTX_5070"));
        assertThat(points).hasSize(1);
        String url = urls.get(4);
        String model = models.get(4);
        List<PricePoint> repriced = withStore(s -> s.history(url, model));

        Run table = run("history", url, model.toLowerCase(Locale.ROOT));
        Run json = run("history", url, model, "--format", "json");
        Run csv = run("history", url, model, "--format", "csv");

        assertThat(table.status()).isZero();
        assertThat(table.err()).isEmpty();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).split(" +")).containsExactly("IMPORT_ID", "IMPORTED_AT", "SEEN_AT", "PRICE", "CHANGE",
                "SCORE", "ROWS");
        assertThat(lines.get(1)).startsWith("day1 ").contains(StoreCommand.price(repriced.get(0).price()));
        assertThat(lines.get(2)).startsWith("day2 ").contains(StoreCommand.price(repriced.get(1).price()))
                .contains("+" + StoreCommand.price(repriced.get(1).price().subtract(repriced.get(0).price())));
        JsonNode array = JSON.readTree(json.out());
        assertThat(array).hasSize(2);
        for (int i = 0; i < 2; i++) {
            PricePoint p = repriced.get(i);
            assertThat(array.get(i).get("importId").asText()).isEqualTo(p.importId());
            assertThat(array.get(i).get("importedAt").asText()).isEqualTo(p.importedAt().toString());
            assertThat(array.get(i).get("price").decimalValue()).isEqualByComparingTo(p.price());
            assertThat(array.get(i).get("score").asDouble()).isEqualTo(p.score());
            assertThat(array.get(i).get("rowCount").asInt()).isEqualTo(p.rowCount());
        }
        assertThat(csv(csv.out())).containsExactly(
                List.of("import_id", "imported_at", "seen_at", "price", "score", "row_count"),
                List.of("day1", repriced.get(0).importedAt().toString(), "", repriced.get(0).price().toPlainString(),
                        Double.toString(repriced.get(0).score()), Integer.toString(repriced.get(0).rowCount())),
                List.of("day2", repriced.get(1).importedAt().toString(), "", repriced.get(1).price().toPlainString(),
                        Double.toString(repriced.get(1).score()), Integer.toString(repriced.get(1).rowCount())));
    }

    @Test
    void historyOfAnUnknownListingSaysSoOnStderr() {
        Run run = run("history", "https://nowhere/1", "RTX_4090");

        assertThat(run.status()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("No import in " + db + " has https://nowhere/1 (RTX_4090).\n");
        assertThat(run("history", "", "RTX_4090").status()).isEqualTo(2);
    }

    @Test
    void diffPrintsEachEntryWithWholeUrlsAndTheCountsOnStderr() {
        ImportDiff diff = withStore(s -> s.diff("day1", "day2"));
        assertThat(diff.addedCount()).isEqualTo(2);
        assertThat(diff.removedCount()).isEqualTo(3);
        assertThat(diff.changedCount()).isEqualTo(3);

        Run run = run("diff", "day1", "day2");

        assertThat(run.status()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(1 + 2 + 3 + 3);
        assertThat(lines.get(0).split(" +")).containsExactly("CHANGE", "MODEL", "OLD_PRICE", "NEW_PRICE", "DIFF",
                "DIFF_%", "OLD_SCORE", "NEW_SCORE", "SOURCE_URL");
        assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line).startsWith("added "));
        assertThat(lines.subList(3, 6)).allSatisfy(line -> assertThat(line).startsWith("removed "));
        assertThat(lines.subList(6, 9)).allSatisfy(line -> assertThat(line).startsWith("changed ").contains("+5.00%"));
        for (ImportDiff.Entry e : diff.removed()) {
            assertThat(run.out()).contains("  " + e.sourceUrl() + "\n");
        }
        assertThat(run.err()).isEqualTo("import day1 -> import day2: 2 added, 3 removed, 3 changed, "
                + diff.unchangedCount() + " unchanged.\n");
    }

    @Test
    void aDiffLimitCutsTheListsButNotTheCounts() throws IOException {
        ImportDiff diff = withStore(s -> s.diff("day1", "day2"));

        Run table = run("diff", "day1", "day2", "--limit", "1");
        Run json = run("diff", "day1", "day2", "--limit", "1", "--format", "json");
        Run all = run("diff", "day1", "day2", "--all", "--format", "json");

        assertThat(table.out().lines()).hasSize(1 + 3);
        assertThat(table.err()).endsWith("; showing the first 1 of each kind (--all shows every one).\n");
        JsonNode limited = JSON.readTree(json.out());
        assertThat(limited.get("complete").asBoolean()).isFalse();
        assertThat(limited.get("addedCount").asLong()).isEqualTo(diff.addedCount());
        assertThat(limited.get("removedCount").asLong()).isEqualTo(diff.removedCount());
        assertThat(limited.get("changedCount").asLong()).isEqualTo(diff.changedCount());
        assertThat(limited.get("unchangedCount").asLong()).isEqualTo(diff.unchangedCount());
        assertThat(limited.get("added")).hasSize(1);
        JsonNode complete = JSON.readTree(all.out());
        assertThat(complete.get("complete").asBoolean()).isTrue();
        assertThat(complete.get("changed")).hasSize(3);
        ImportDiff.Change first = diff.changed().get(0);
        JsonNode change = complete.get("changed").get(0);
        assertThat(change.get("sourceUrl").asText()).isEqualTo(first.sourceUrl());
        assertThat(change.get("fromPrice").decimalValue()).isEqualByComparingTo(first.fromPrice());
        assertThat(change.get("toPrice").decimalValue()).isEqualByComparingTo(first.toPrice());
        assertThat(change.get("priceChange").decimalValue()).isEqualByComparingTo(first.priceChange());
        assertThat(change.get("priceChangePercent").decimalValue())
                .isEqualByComparingTo(first.priceChangePercent().orElseThrow());
        assertThat(run("diff", "day1", "day2", "--all", "--limit", "3").status()).isEqualTo(2);
        assertThat(run("diff", "day1", "day2", "--limit", "-1").status()).isEqualTo(2);
    }

    @Test
    void aDiffAsCsvHasOneRowPerEntry() throws IOException {
        ImportDiff diff = withStore(s -> s.diff("day1", "day2"));

        Run run = run("diff", "day1", "day2", "--format", "csv");

        List<List<String>> rows = csv(run.out());
        assertThat(rows.get(0)).containsExactly("change", "source_url", "canonical_model", "from_price", "to_price",
                "price_change", "price_change_percent", "from_score", "to_score", "score_change", "from_row_count",
                "to_row_count");
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(0))
                .containsExactly("added", "added", "removed", "removed", "removed", "changed", "changed", "changed");
        ImportDiff.Entry removed = diff.removed().get(0);
        assertThat(rows.get(3)).containsExactly("removed", removed.sourceUrl(), removed.canonicalModel(),
                removed.price().toPlainString(), "", "", "", Double.toString(removed.score()), "", "",
                Integer.toString(removed.rowCount()), "");
        assertThat(run.err()).startsWith("import day1 -> import day2: 2 added");
    }

    @Test
    void aDiffWithAnUnknownImportExitsWithOne() {
        Run run = run("diff", "day1", "nope");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("glyphd-store: Cannot diff import day1 against import nope in " + db
                + ": there is no import nope; 'glyphd-store imports' lists them\n");
    }

    @Test
    void statsPrintOneRowPerModelAsTableJsonAndCsv() throws IOException {
        List<ModelStats> stats = withStore(s -> s.modelStats(ListingQuery.builder().importId("day2")
                .minScore(0.4).build()));
        assertThat(stats).hasSizeGreaterThan(3);

        Run table = run("stats", "--import-id", "day2", "--min-score", "0.4");
        Run json = run("stats", "--import-id", "day2", "--min-score", "0.4", "--format", "json");
        Run csv = run("stats", "--import-id", "day2", "--min-score", "0.4", "--format", "csv");

        assertThat(table.status()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(1 + stats.size());
        assertThat(lines.get(0).split(" +")).containsExactly("MODEL", "LISTINGS", "MIN", "MEDIAN", "MAX", "AVERAGE",
                "AVG_SCORE", "BEST_SCORE", "BEST_PRICE", "BEST_IMPORT", "ROW", "BEST_TITLE");
        assertThat(lines.get(1)).startsWith(stats.get(0).canonicalModel() + " ")
                .contains(StoreCommand.price(stats.get(0).medianPrice()));
        assertThat(table.err()).isEqualTo(stats.size() + " models, "
                + stats.stream().mapToLong(ModelStats::listingCount).sum() + " listings.\n");
        JsonNode array = JSON.readTree(json.out());
        assertThat(array).hasSize(stats.size());
        for (int i = 0; i < stats.size(); i++) {
            ModelStats s = stats.get(i);
            JsonNode node = array.get(i);
            assertThat(node.get("canonicalModel").asText()).isEqualTo(s.canonicalModel());
            assertThat(node.get("listingCount").asLong()).isEqualTo(s.listingCount());
            assertThat(node.get("minPrice").decimalValue()).isEqualByComparingTo(s.minPrice());
            assertThat(node.get("medianPrice").decimalValue()).isEqualByComparingTo(s.medianPrice());
            assertThat(node.get("maxPrice").decimalValue()).isEqualByComparingTo(s.maxPrice());
            assertThat(node.get("averagePrice").decimalValue()).isEqualByComparingTo(s.averagePrice());
            assertThat(node.get("averageScore").asDouble()).isEqualTo(s.averageScore());
            assertThat(node.get("bestScore").asDouble()).isEqualTo(s.bestScore());
            assertThat(node.get("bestListing").get("importIndex").asInt()).isEqualTo(s.bestListing().importIndex());
            assertThat(node.get("bestListing").get("title").asText()).isEqualTo(s.bestListing().title());
        }
        List<List<String>> rows = csv(csv.out());
        assertThat(rows).hasSize(1 + stats.size());
        assertThat(rows.get(0)).startsWith("canonical_model", "listing_count", "min_price", "median_price");
        assertThat(rows.get(1)).startsWith(stats.get(0).canonicalModel(), Long.toString(stats.get(0).listingCount()),
                stats.get(0).minPrice().toPlainString(), stats.get(0).medianPrice().toPlainString());
    }

    @Test
    void statsRejectInconsistentFiltersAndSayWhenNothingMatches() {
        Run bad = run("stats", "--min-score", "0.9", "--max-score", "0.1");
        Run none = run("stats", "--import-id", "none");

        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).startsWith("glyphd-store: Invalid filters: minScore must be <= maxScore");
        assertThat(none.status()).isZero();
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEqualTo("No listings match.\n");
    }

    @Test
    void theCommandsNeedAnExistingDatabaseAndAreListedInHelp() {
        db = dir.resolve("missing.sqlite3");

        for (String[] args : List.of(new String[] {"history", URL, "RTX_5070"}, new String[] {"diff", "a", "b"},
                new String[] {"stats"})) {
            Run run = run(args);
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).startsWith("glyphd-store: No database at " + db);
        }
        assertThat(db).doesNotExist();
        assertThat(run("--help").out()).contains("  history ", "  diff ", "  stats ");
    }

    @Test
    void theTableKeepsLongUrlsWhole() {
        String url = "https://example.com/" + "x".repeat(100);
        Table table = new Table("A", "URL").whole(1).row("a", url).row("b", url + "y");
        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out, true));

        assertThat(out.toString()).contains(url + "\n", url + "y\n");
    }
}
