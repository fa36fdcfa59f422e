package io.glyphd.store.cli;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ListingStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code glyphd-store delete-import ID}: deletes an import and its listings. */
@Command(name = "delete-import", description = "Deletes an import and all its listings, in one transaction.")
final class DeleteImportCommand extends StoreCommand {
    @Parameters(paramLabel = "ID", description = "The import id.")
    String importId;

    @Override
    public Integer call() {
        try (ListingStore store = openStoreToChange()) {
            ImportMetadata found = store.findImport(importId).orElse(null);
            if (found == null || !store.deleteImport(importId)) {
                throw new CommandFailure("No import '" + importId + "' in " + location()
                        + "; 'glyphd-store imports' lists them");
            }
            out().println("Deleted import " + importId + " (" + found.recordCount() + " listings) from "
                    + location());
        }
        return 0;
    }
}
