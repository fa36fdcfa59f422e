package io.glyphd.store.cli;

import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingReader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code glyphd-store demo}: imports the bundled sample as import {@value #IMPORT_ID} (replacing it, so running
 * twice changes nothing) and prints the best listing of each of the best-scoring models, then the imports.
 *
 * <p>The sample, {@code sample.csv}, is 300 real rows of the pipeline's {@code wamatek_scored.csv}, verbatim and
 * in file order: the first row of each distinct offer ({@code source_url}) with a known model (257), and the first
 * 43 distinct offers the pipeline could not match ({@code UNKNOWN}).
 */
@Command(name = "demo", description = {"Imports a bundled sample of 300 real listings and shows the best ones.",
    "The sample is stored as import " + DemoCommand.IMPORT_ID + "; running demo again replaces it.",
    "Without --db or $" + CliEnvironment.DB_URL_VARIABLE + "/$" + CliEnvironment.DB_PATH_VARIABLE + ", into "
            + DemoCommand.DEMO_DB + " in the current directory, not the default store."})
final class DemoCommand extends StoreCommand {
    static final String IMPORT_ID = "demo-sample";
    static final String SAMPLE = "sample.csv";
    /** The demo's own default file, so that it never adds its sample to the default store. */
    static final String DEMO_DB = "glyphd-demo.sqlite3";

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "How many models to show (default: 10).")
    int top;

    @Override
    String defaultDb() {
        return DEMO_DB;
    }

    @Override
    public Integer call() {
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top must be at least 1, was " + top);
        }
        InputStream sample = DemoCommand.class.getResourceAsStream(SAMPLE);
        if (sample == null) {
            throw new CommandFailure("The bundled sample " + SAMPLE + " is missing; run the glyphd-store-*-cli.jar"
                    + " (./glyphd-store demo builds it)");
        }
        PrintWriter out = out();
        try (ListingStore store = openStore()) {
            ImportResult result;
            try (ListingReader reader = ListingReader.open(sample, ListingFormat.CSV, "bundled " + SAMPLE)) {
                result = store.importListings(reader, new ImportRequest(IMPORT_ID,
                        "bundled sample of wamatek_scored.csv", "glyphd-store demo"));
            }
            out.println("Imported " + result.recordCount() + " listings from the bundled sample as import "
                    + IMPORT_ID + " into " + location() + " in " + duration(result.duration()) + ".");
            out.println();

            List<Listing> best = bestPerModel(store, top);
            out.println("Best listing per model (top " + best.size() + " models by score):");
            Table table = new Table("SCORE", "MODEL", "PRICE", "VRAM_GB", "AVAILABILITY", "TITLE")
                    .alignRight(0, 2, 3);
            best.forEach(l -> table.row(score(l.score()), l.canonicalModel(), price(l.price()), l.vramGb(),
                    l.availability(), l.title()));
            table.print(out);
            out.println();

            out.println("Imports in " + location() + ":");
            printImports(store.listImports(), out);
        }
        out.println();
        out.println("Next: glyphd-store " + (location() instanceof StoreLocation.SqliteFile file ? "--db " + file.path()
                + " " : "") + "query --import-id " + IMPORT_ID + " --order price --limit 5");
        return 0;
    }

    /** Returns the best-scoring listing of each model, for the {@code top} best models, best first. */
    private static List<Listing> bestPerModel(ListingStore store, int top) {
        Map<String, Listing> best = new LinkedHashMap<>();
        long offset = 0;
        while (best.size() < top) {
            List<Listing> page = store.queryListings(ListingQuery.builder().importId(IMPORT_ID)
                    .orderBy(ListingQuery.Order.SCORE_DESC).limit(ListingQuery.MAX_LIMIT).offset(offset).build());
            for (Listing listing : page) {
                if (best.size() < top) {
                    best.putIfAbsent(listing.canonicalModel(), listing);
                }
            }
            if (page.size() < ListingQuery.MAX_LIMIT) {
                break;
            }
            offset += page.size();
        }
        return new ArrayList<>(best.values());
    }
}
