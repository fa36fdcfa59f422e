package io.glyphd.store.cli;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ListingStore;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the database, the output writers and a few formats. */
abstract class StoreCommand implements Callable<Integer> {

    @ParentCommand
    GlyphdStoreCommand root;

    @Spec
    CommandSpec spec;

    private StoreLocation location;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Returns stderr, after flushing stdout so that a terminal shows both in the order they were written. */
    PrintWriter err() {
        out().flush();
        return spec.commandLine().getErr();
    }

    /**
     * Returns the store this command works on; see {@link GlyphdStoreCommand#location()}.
     *
     * @throws ParameterException if {@code --db} or the environment names no usable store
     */
    StoreLocation location() {
        if (location == null) {
            location = usage(() -> root.location(defaultDb()));
        }
        return location;
    }

    /** Returns the file in the current directory used when neither {@code --db} nor the environment names a store. */
    String defaultDb() {
        return CliEnvironment.DEFAULT_DB;
    }

    /** Returns what {@code parse} returns, with an {@link IllegalArgumentException} it throws as a usage error. */
    StoreLocation usage(Supplier<StoreLocation> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Opens the store, creating it if needed. */
    ListingStore openStore() {
        return location().open(StoreLocation.Use.CREATE);
    }

    /** Opens the store, creating it if needed; its writes wait for other writers as {@code writers} says. */
    ListingStore openStore(StoreLocation.Writers writers) {
        return location().open(StoreLocation.Use.CREATE, writers);
    }

    /**
     * Opens an existing store read-only: fails if there is none, rather than creating an empty one, and refuses one
     * of an older release rather than upgrading it; see {@link StoreLocation.Use#READ_ONLY}.
     */
    ListingStore openExistingStore() {
        return location().open(StoreLocation.Use.READ_ONLY);
    }

    /** Opens an existing store to change it. */
    ListingStore openStoreToChange() {
        return location().open(StoreLocation.Use.CHANGE);
    }

    boolean showProgress() {
        return root.environment.terminal() && !root.quiet;
    }

    static String price(BigDecimal price) {
        return price.setScale(Math.max(2, price.scale()), RoundingMode.UNNECESSARY).toPlainString();
    }

    static String score(double score) {
        return String.format(Locale.ROOT, "%.4f", score);
    }

    static String duration(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }

    static void printImports(List<ImportMetadata> imports, PrintWriter out) {
        Table table = new Table("IMPORT_ID", "IMPORTED_AT", "LISTINGS", "SOURCE", "DESCRIPTION").alignRight(2);
        for (ImportMetadata i : imports) {
            table.row(i.importId(), i.importedAt(), i.recordCount(), i.source(), i.description());
        }
        table.print(out);
    }

    /** Writes imports as a JSON array of objects with the {@link ImportMetadata} component names. */
    static void printImportsJson(List<ImportMetadata> imports, PrintWriter out) {
        Output.json(out, json -> {
            json.writeStartArray();
            for (ImportMetadata i : imports) {
                json.writeStartObject();
                json.writeStringField("importId", i.importId());
                json.writeStringField("importedAt", i.importedAt().toString());
                json.writeStringField("source", i.source());
                json.writeNumberField("recordCount", i.recordCount());
                json.writeStringField("description", i.description());
                json.writeStringField("fingerprint", i.fingerprint());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }
}
