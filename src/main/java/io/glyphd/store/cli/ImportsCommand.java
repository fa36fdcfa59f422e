package io.glyphd.store.cli;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ListingStore;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code glyphd-store imports}: lists the imports, most recent first. */
@Command(name = "imports", description = "Lists the imports, most recent first.")
final class ImportsCommand extends StoreCommand {
    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "Output format (default: table).")
    OutputFormat format;

    @Override
    public Integer call() {
        if (format == OutputFormat.CSV) {
            throw new ParameterException(spec.commandLine(), "imports prints a table or JSON, not CSV");
        }
        List<ImportMetadata> imports;
        try (ListingStore store = openExistingStore()) {
            imports = store.listImports();
        }
        if (format == OutputFormat.JSON) {
            printImportsJson(imports, out());
        } else if (imports.isEmpty()) {
            err().println("No imports in " + location() + ".");
        } else {
            printImports(imports, out());
        }
        return 0;
    }
}
