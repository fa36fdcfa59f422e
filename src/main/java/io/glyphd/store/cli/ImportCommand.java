package io.glyphd.store.cli;

import io.glyphd.store.DuplicateInputException;
import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingStore;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ReadAhead;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code glyphd-store import FILE...}: streams files into the store as one import, in one transaction. */
@Command(name = "import", description = {"Imports listing files (CSV or JSON) as one import, in one transaction.",
    "Re-importing an import id replaces it. A file with any bad row imports nothing; every bad row is listed.",
    "The import records the SHA-256 of its input; input that an import of another id already holds is refused"
            + " unless --allow-duplicate (to replace that import, give its --import-id)."})
final class ImportCommand extends StoreCommand {
    /** Most holders of the same input a refusal names. */
    private static final int MAX_LISTED = 3;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "CSV or JSON files, read in order.")
    List<Path> files;

    @Option(names = "--import-id", paramLabel = "ID", description = "Import id (default: a new UUID).")
    String importId;

    @Option(names = "--source", paramLabel = "S", description = "Where the listings came from (default: the files).")
    String source;

    @Option(names = "--description", paramLabel = "D", description = "Free text about the import.")
    String description;

    @Option(names = "--format", paramLabel = "csv|json",
            description = "Format of every FILE (default: from each file's extension).")
    ListingFormat format;

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10m",
            description = "How long to wait, in all, for other imports and writers of a SQLite file ahead of this"
                    + " one, such as 30s, 10m or 1h, up to 24h (default: ${DEFAULT-VALUE}). Says once on stderr that"
                    + " it waits (not with -q); an import still blocked then fails and writes nothing.")
    Duration wait;

    @Option(names = "--allow-duplicate", description = "Import even if another import already holds the same input"
            + " (the same bytes), which stores its listings twice.")
    boolean allowDuplicate;

    @Override
    public Integer call() {
        List<ListingFormat> formats = new ArrayList<>();
        for (Path file : files) {
            try {
                formats.add(format != null ? format : ListingFormat.of(file));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage() + "; or give --format");
            }
        }
        ImportRequest request;
        try {
            request = new ImportRequest(importId == null ? UUID.randomUUID().toString() : importId,
                    source == null ? describe(files) : source, description);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid --import-id, --source or --description: "
                    + e.getMessage());
        }
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new CommandFailure("Cannot read " + file + ": " + (Files.exists(file) ? "not a regular file"
                        : "no such file"));
            }
        }
        InputFingerprint fingerprint = InputFingerprint.of(files);
        request = request.withFingerprint(fingerprint.value());
        if (!allowDuplicate) {
            request = request.refusingDuplicateInput();
        }
        ImportResult result;
        try (ListingStore store = openStore(new StoreLocation.Writers(wait, this::sayWaiting))) {
            checkDuplicates(store, request);
            try (MultiFileReader listings = new MultiFileReader(files, formats, fingerprint);
                    ReadAhead<Listing> ahead = new ReadAhead<>(listings);
                    Progress progress = new Progress(ahead, err(), showProgress(), Progress.EVERY)) {
                result = store.importListings(progress, request);
            } catch (DuplicateInputException e) {
                // Another import of this input committed after the check above: the store refused this one.
                throw new CommandFailure(duplicate(e.holders(), request));
            }
        }
        out().println("Imported " + result.recordCount() + " listings from " + describe(files) + " as import "
                + result.importId() + " into " + location() + " in " + duration(result.duration())
                + (result.rowsReplaced() > 0 ? " (replaced " + result.rowsReplaced() + " listings)" : ""));
        return 0;
    }

    /** Tells the user, once, that the import waits; called on the importing thread when the wait begins. */
    private void sayWaiting(String who) {
        if (root.quiet) {
            return;
        }
        PrintWriter err = err();
        err.println("Waiting for another writer (" + who + ") to finish with " + location() + "; giving up after "
                + DurationConverter.format(wait) + " in all (--wait)");
        err.flush();
    }

    /**
     * Refuses, unless {@code --allow-duplicate}, input that imports of other ids already hold, before reading it.
     * Replacing an import that holds the same input already adds no copy, so it passes. The request itself refuses
     * duplicate input too, inside the import's transaction, for an import of the same file that commits meanwhile.
     */
    private void checkDuplicates(ListingStore store, ImportRequest request) {
        List<ImportMetadata> holders = store.findImportsByFingerprint(request.fingerprint());
        if (holders.isEmpty() || holders.stream().anyMatch(i -> i.importId().equals(request.importId()))) {
            return;
        }
        if (!allowDuplicate) {
            throw new CommandFailure(duplicate(holders, request));
        }
        if (!root.quiet) {
            err().println("glyphd-store: warning: " + held(holders) + " already holds " + describe(files)
                    + "; importing it again as import " + request.importId() + " (--allow-duplicate)");
        }
    }

    private String duplicate(List<ImportMetadata> holders, ImportRequest request) {
        return describe(files) + " is already in " + location() + ": " + held(holders) + " holds the same bytes ("
                + request.fingerprint() + "), and importing it as import " + request.importId() + " would store its"
                + " listings twice. To replace that import, run the command again with --import-id "
                + holders.get(0).importId() + "; to import it again anyway, add --allow-duplicate. Nothing was"
                + " imported.";
    }

    private static String held(List<ImportMetadata> holders) {
        return holders.stream().limit(MAX_LISTED).map(i -> "import " + i.importId() + " (" + i.recordCount()
                + " listings, imported at " + i.importedAt() + ")").collect(Collectors.joining(", "))
                + (holders.size() > MAX_LISTED ? " and " + (holders.size() - MAX_LISTED) + " more" : "");
    }

    private static String describe(List<Path> files) {
        String names = files.stream().map(Path::toString).collect(Collectors.joining(", "));
        return names.length() > 1000 ? files.size() + " files, from " + files.get(0) : names;
    }
}
