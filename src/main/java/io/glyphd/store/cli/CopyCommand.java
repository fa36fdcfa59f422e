package io.glyphd.store.cli;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code glyphd-store copy --from SOURCE --to TARGET}: copies every import of one store into another, oldest first,
 * each in one transaction of the target, with its id, source, description and time and its listings in order.
 *
 * <p>The source is opened read-only and read page by page ({@link ImportPages}), so an import of any size copies in
 * a small heap; the target writes each import as it reads it (a stream into SQLite's batches or PostgreSQL's COPY).
 * An import the target already has is replaced in the same transaction, so copying again gives the same target, and
 * a copy that stopped half-way is completed by running it again.
 */
@Command(name = "copy", description = {"Copies every import into another store, e.g. from SQLite into PostgreSQL.",
    "Each import's id, source, description, time and listings in order are copied exactly, oldest import first,"
            + " each import in one transaction.",
    "An import the target already has is replaced, so copying again changes nothing; the target's other imports are"
            + " kept. The source is only read."})
final class CopyCommand extends StoreCommand {
    /** Listings between two updates of the progress line. */
    static final long PROGRESS_EVERY = 10_000;

    @Option(names = "--from", required = true, paramLabel = "PATH|URL",
            description = "The store to copy from, as --db takes it: a SQLite file or a jdbc:postgresql: URL.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "PATH|URL",
            description = "The store to copy into, created if needed.")
    String to;

    @Override
    public Integer call() {
        if (root.db != null) {
            throw new ParameterException(spec.commandLine(), "copy takes --from and --to, not --db");
        }
        StoreLocation source = usage(() -> root.location(from, "--from"));
        StoreLocation target = usage(() -> root.location(to, "--to"));
        if (source.sameStore(target)) {
            throw new ParameterException(spec.commandLine(), "--from and --to name the same store, " + source);
        }
        long start = System.nanoTime();
        PrintWriter out = out();
        try (ListingStore in = source.open(StoreLocation.Use.READ_ONLY)) {
            List<ImportMetadata> imports = new ArrayList<>(in.listImports());
            if (imports.isEmpty()) {
                err().println("No imports in " + source + "; nothing to copy.");
                return 0;
            }
            // Oldest first, so that the target creates them in the order the source did.
            Collections.reverse(imports);
            long listings = 0;
            try (ListingStore into = target.open(StoreLocation.Use.CREATE)) {
                for (int i = 0; i < imports.size(); i++) {
                    ImportResult result = copy(in, into, imports, i, source, target);
                    out.println("Copied import " + result.importId() + " (" + result.recordCount() + " listings, "
                            + "imported at " + imports.get(i).importedAt() + ") in " + duration(result.duration())
                            + (result.rowsReplaced() > 0 ? " (replaced " + result.rowsReplaced() + " listings)" : ""));
                    out.flush();
                    listings += result.recordCount();
                }
            }
            out.println("Copied " + count(imports.size(), "import") + " (" + listings + " listings) from " + source
                    + " to " + target + " in " + duration(Duration.ofNanos(System.nanoTime() - start)) + ".");
        }
        return 0;
    }

    private ImportResult copy(ListingStore in, ListingStore into, List<ImportMetadata> imports, int index,
            StoreLocation source, StoreLocation target) {
        ImportMetadata copied = imports.get(index);
        String label = "import " + copied.importId() + " (" + (index + 1) + " of " + imports.size() + ")";
        ImportRequest request = new ImportRequest(copied.importId(), copied.source(), copied.description(),
                copied.importedAt(), copied.fingerprint());
        try (Progress progress = new Progress(new ImportPages(in, copied, source.toString()), err(), showProgress(),
                PROGRESS_EVERY, n -> "Copying " + label + ": " + n + " of " + copied.recordCount() + " listings...")) {
            return into.importListings(progress, request);
        } catch (StoreException | IllegalArgumentException e) {
            int after = imports.size() - index - 1;
            throw new CommandFailure("Cannot copy " + label + " from " + source + " to " + target + ": "
                    + e.getMessage() + "\nNothing of import " + copied.importId() + " was written. "
                    + (index == 0 ? "No import was copied" : "The " + count(index, "import") + " before it "
                    + (index == 1 ? "was" : "were") + " copied") + (after == 0 ? "" : ", the "
                    + count(after, "import") + " after it " + (after == 1 ? "was" : "were") + " not")
                    + "; copying again copies them all (an import copied again is replaced, not doubled).", e);
        }
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
