package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.ModelStats;
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
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The market flags of {@code query} and {@code stats} end to end, in process: the real file imported through the CLI
 * as {@code july} from source {@code wamatek}, and a later scrape of the same source stored as {@code august} (every
 * price up 1%), so that the current market is august's rows. Each command's answer is checked against what the
 * library answers for the same filters (whose own correctness the contract tests cover).
 */
class CliMarketTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path db;

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

    @BeforeEach
    void twoScrapesOfOneSource() throws IOException {
        db = dir.resolve("store.sqlite3");
        Path wamatek = dir.resolve("wamatek_scored.csv");
        try (InputStream in = CliMarketTest.class.getResourceAsStream("/data/wamatek_scored.csv")) {
            Files.copy(in, wamatek);
        }
        assertThat(run("import", wamatek.toString(), "--import-id", "july", "--source", "wamatek").status()).isZero();
        try (ListingStore store = new SqliteListingStore(db)) {
            List<Listing> august;
            try (Stream<Listing> july = store.streamListings(ListingQuery.builder().importId("july")
                    .limit(ListingQuery.MAX_LIMIT).build())) {
                august = july.map(l -> l.toBuilder().price(l.price().multiply(new BigDecimal("1.01"))
                        .setScale(2, RoundingMode.HALF_UP)).build()).collect(Collectors.toList());
            }
            store.insertListings(august, new ImportRequest("august", "wamatek", null));
        }
    }

    private <T> T withStore(java.util.function.Function<ListingStore, T> query) {
        try (ListingStore store = new SqliteListingStore(db)) {
            return query.apply(store);
        }
    }

    /** Returns import id and position of every listing the library returns for the query, in order. */
    private List<String> expected(ListingQuery query) {
        return withStore(store -> {
            try (Stream<Listing> listings = store.streamListings(query.toBuilder().limit(ListingQuery.MAX_LIMIT)
                    .build())) {
                return listings.map(l -> l.importId() + "#" + l.importIndex() + "#" + l.offerRows()).toList();
            }
        });
    }

    private static List<String> positions(String json) throws IOException {
        List<String> positions = new ArrayList<>();
        for (JsonNode l : JSON.readTree(json)) {
            positions.add(l.get("importId").asText() + "#" + l.get("importIndex").asInt() + "#"
                    + (l.get("offerRows").isNull() ? "null" : l.get("offerRows").asInt()));
        }
        return positions;
    }

    /** A set of flags and the query they stand for. */
    private record Flags(List<String> args, UnaryOperator<ListingQuery.Builder> query) {
    }

    @Test
    void eachMarketFlagSelectsWhatTheLibrarySelects() throws IOException {
        List<Flags> cases = List.of(
                new Flags(List.of("--model", "rtx_4070,RTX_4080", "--model", "rtx_5090"),
                        b -> b.models("rtx_4070", "RTX_4080", "rtx_5090")),
                new Flags(List.of("--min-vram", "16", "--max-vram", "24", "--no-nvlink"),
                        b -> b.minVramGb(16).maxVramGb(24).nvlink(false)),
                new Flags(List.of("--nvlink", "--min-mig", "4"), b -> b.nvlink(true).minMigSupport(4)),
                new Flags(List.of("--generation", "ADA", "--form-factor", "dual-slot", "--min-match-score", "0.85"),
                        b -> b.generation("ADA").formFactor("dual-slot").minMatchScore(0.85)),
                new Flags(List.of("--seller", "WAMATEK", "--source-type", "shopify_wamatek", "--availability",
                        "available"), b -> b.seller("WAMATEK").sourceType("shopify_wamatek").availability("available")),
                new Flags(List.of("--in-stock", "--current", "--distinct-offers"),
                        b -> b.inStock().current().distinctOffers()),
                new Flags(List.of("--source-url", "https://wamatek.com/products/gt-1030-4gd4-lp-oc-1"),
                        b -> b.sourceUrl("https://wamatek.com/products/gt-1030-4gd4-lp-oc-1")));

        for (Flags flags : cases) {
            for (String order : List.of("score", "price", "import")) {
                List<String> args = new ArrayList<>(List.of("query", "--all", "--format", "json", "--order", order));
                args.addAll(flags.args());
                ListingQuery query = flags.query().apply(ListingQuery.builder())
                        .orderBy(new QueryCommand.OrderConverter().convert(order)).build();

                Run run = run(args.toArray(String[]::new));

                assertThat(run.status()).as("%s", args).isZero();
                List<String> expected = expected(query);
                assertThat(expected).as("%s", args).isNotEmpty();
                assertThat(positions(run.out())).as("%s", args).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void oneRowPerOfferShowsHowManyRowsEachStandsFor() {
        Run run = run("query", "--model", "rtx_4070", "--order", "price", "--limit", "3", "--distinct-offers",
                "--import-id", "july");

        assertThat(run.status()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0).split(" +")).containsExactly("", "SCORE", "MODEL", "PRICE", "VRAM_GB",
                "AVAILABILITY", "REGION", "IMPORT", "ROW", "ROWS", "TITLE");
        assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line).contains(" 27  "));
        assertThat(lines.get(1)).contains("547.99");
        assertThat(lines.get(2)).contains("548.99");
        assertThat(run.err()).isEqualTo("Offers 1-3 of 13 matching.\n");
    }

    @Test
    void theCurrentMarketIsTheLaterScrapeAndStatsCountItsOffers() {
        List<ModelStats> stats = withStore(s -> s.modelStats(ListingQuery.builder().current().distinctOffers()
                .inStock().build()));

        Run current = run("query", "--current", "--all", "--format", "csv");
        Run table = run("stats", "--current", "--distinct-offers", "--in-stock");
        Run all = run("stats", "--current", "--distinct-offers");

        assertThat(current.out().lines().skip(1)).hasSize(10_530)
                .allSatisfy(line -> assertThat(line).contains(",august,"));
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0).split(" +")).startsWith("MODEL", "OFFERS", "MIN");
        assertThat(lines).hasSize(1 + stats.size()).allSatisfy(line -> assertThat(line).doesNotContain("july"));
        assertThat(table.err()).isEqualTo(stats.size() + " models, "
                + stats.stream().mapToLong(ModelStats::listingCount).sum() + " offers.\n");
        assertThat(all.err()).endsWith(" models, 570 offers.\n");
    }

    @Test
    void anExportOfOffersCarriesTheirRowCounts() {
        Run csv = run("query", "--distinct-offers", "--import-id", "july", "--order", "import", "--all", "--format",
                "csv");

        List<String> lines = csv.out().lines().toList();
        assertThat(lines.get(0)).endsWith(",import_id,import_index,offer_rows");
        assertThat(lines).hasSize(1 + 570);
        assertThat(lines.stream().skip(1).mapToInt(l -> Integer.parseInt(l.substring(l.lastIndexOf(',') + 1)))
                .sum()).isEqualTo(10_530);
    }

    @Test
    void inconsistentMarketFlagsAreUsageErrorsNamingTheParameters() {
        Run vram = run("query", "--min-vram", "48", "--max-vram", "24");
        Run stock = run("stats", "--availability", "Unavailable", "--in-stock");
        Run mig = run("query", "--min-mig", "9");

        assertThat(vram.status()).isEqualTo(2);
        assertThat(vram.err()).startsWith("glyphd-store: Invalid query: minVramGb must be <= maxVramGb, was 48 > 24");
        assertThat(stock.status()).isEqualTo(2);
        assertThat(stock.err()).startsWith("glyphd-store: Invalid filters: availability must be Available (or unset)"
                + " with inStock, was Unavailable");
        assertThat(mig.err()).contains("minMigSupport must be between 0 and 7, was 9");
        assertThat(run("query", "--distinct-offers", "--model", "none").err()).isEqualTo("No offers match.\n");
    }

    @Test
    void helpShowsEveryMarketFlag() {
        for (String command : List.of("query", "stats")) {
            assertThat(run(command, "--help").out()).as(command).contains("--model=M[,M...]", "--min-vram=GB",
                    "--max-vram=GB", "--min-mig=N", "--[no-]nvlink", "--generation=G", "--form-factor=F", "--seller=S",
                    "--source-type=T", "--availability=A", "--in-stock", "--source-url=URL", "--min-match-score=X",
                    "--current", "--distinct-offers");
        }
    }
}
