package io.glyphd.store.cli;

import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code glyphd-store backup FILE}: writes a consistent copy of a SQLite store while it is in use. */
@Command(name = "backup", description = {"Writes a consistent copy of the SQLite store to FILE, a new file, while"
            + " imports and queries go on (SQLite's VACUUM INTO: one snapshot, compacted). The copy is a store of its"
            + " own: open it with --db FILE.",
    "A PostgreSQL store is backed up with pg_dump."})
final class BackupCommand extends StoreCommand {
    @Parameters(paramLabel = "FILE", description = "The file to write; it must not exist.")
    Path target;

    @Override
    public Integer call() {
        if (!(location() instanceof StoreLocation.SqliteFile)) {
            throw new CommandFailure("backup copies a SQLite store; back up the PostgreSQL database " + location()
                    + " with pg_dump");
        }
        if (Files.exists(target)) {
            throw new CommandFailure(target + " already exists; backup never overwrites a file");
        }
        long start = System.nanoTime();
        Path written;
        try (ListingStore store = location().open(StoreLocation.Use.READ_ONLY)) {
            written = ((SqliteListingStore) store).backup(target);
        }
        out().println("Backed up " + location() + " to " + written + " (" + CompactCommand.size(written) + ") in "
                + duration(Duration.ofNanos(System.nanoTime() - start)));
        return 0;
    }
}
