package io.glyphd.store.cli;

import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code glyphd-store compact}: gives a SQLite file's free space back to the file system. */
@Command(name = "compact", description = {"Shrinks the SQLite file to its live data, giving back the space that"
            + " deleted or pruned imports left (SQLite reuses it for later imports but never shrinks a file by"
            + " itself).",
    "Rewrites the whole file (VACUUM): it takes about as long as a backup, needs free disk space up to twice the"
            + " size of the live data while it runs, and blocks writes (not queries) until it is done.",
    "PostgreSQL reclaims space by itself (autovacuum)."})
final class CompactCommand extends StoreCommand {
    @Override
    public Integer call() {
        if (!(location() instanceof StoreLocation.SqliteFile file)) {
            throw new CommandFailure("compact shrinks a SQLite file; PostgreSQL's autovacuum reclaims the space of "
                    + location() + " by itself");
        }
        long start = System.nanoTime();
        long reclaimed;
        try (ListingStore store = openStoreToChange()) {
            reclaimed = ((SqliteListingStore) store).compact();
        }
        long after = bytes(file.path());
        out().println("Compacted " + location() + " from " + format(after + reclaimed) + " to " + format(after) + " ("
                + format(reclaimed) + " given back) in " + duration(Duration.ofNanos(System.nanoTime() - start)));
        return 0;
    }

    private static long bytes(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns a file's size for people, e.g. {@code 12.3 MB}. */
    static String size(Path file) {
        return format(bytes(file));
    }

    static String format(long bytes) {
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        return String.format(Locale.ROOT, bytes < 1_000_000_000 ? "%.1f MB" : "%.2f GB",
                bytes < 1_000_000_000 ? bytes / 1e6 : bytes / 1e9);
    }
}
