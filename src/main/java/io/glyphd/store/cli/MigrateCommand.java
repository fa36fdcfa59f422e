package io.glyphd.store.cli;

import io.glyphd.store.SchemaVersionException;
import picocli.CommandLine.Command;

/**
 * {@code glyphd-store migrate}: upgrades a store of an older release in place, the one command besides the writing
 * ones that does; read commands refuse such a store and name this one.
 */
@Command(name = "migrate", description = {
    "Upgrades a store of an older release to this build's schema, in place, keeping every import.",
    "Read commands (query, stats, imports, history, diff, show-import, check) never write, so they refuse such a"
            + " store and point here. Older releases cannot open the store afterwards."})
final class MigrateCommand extends StoreCommand {
    @Override
    public Integer call() {
        StoreLocation location = location();
        SchemaVersionException older;
        try {
            location.open(StoreLocation.Use.READ_ONLY).close();
            out().println(location + " is current; nothing to migrate.");
            return 0;
        } catch (CommandFailure e) {
            if (!(e.getCause() instanceof SchemaVersionException cause)) {
                throw e;
            }
            older = cause;
        }
        location.open(StoreLocation.Use.CHANGE).close();
        out().println("Migrated " + location + " from schema version " + older.found() + " to " + older.supported()
                + ".");
        return 0;
    }
}
