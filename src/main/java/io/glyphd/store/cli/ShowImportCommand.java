package io.glyphd.store.cli;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ListingStore;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code glyphd-store show-import ID}: prints what the store knows about one import. */
@Command(name = "show-import", description = "Prints one import's id, time, source, size and description.")
final class ShowImportCommand extends StoreCommand {
    @Parameters(paramLabel = "ID", description = "The import id.")
    String importId;

    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "Output format (default: table).")
    OutputFormat format;

    @Override
    public Integer call() {
        if (format == OutputFormat.CSV) {
            throw new ParameterException(spec.commandLine(), "show-import prints a table or JSON, not CSV");
        }
        ImportMetadata found;
        try (ListingStore store = openExistingStore()) {
            found = store.findImport(importId).orElseThrow(() -> new CommandFailure("No import '" + importId
                    + "' in " + location() + "; 'glyphd-store imports' lists them"));
        }
        if (format == OutputFormat.JSON) {
            printImportsJson(List.of(found), out());
        } else {
            Table table = new Table("FIELD", "VALUE").whole(1);
            table.row("import_id", found.importId()).row("imported_at", found.importedAt())
                    .row("listings", found.recordCount()).row("source", found.source())
                    .row("description", found.description()).row("fingerprint", found.fingerprint());
            table.print(out());
        }
        return 0;
    }
}
