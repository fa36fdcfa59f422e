package io.glyphd.store.cli;

import io.glyphd.store.VerifyReport;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code glyphd-store check}: runs the store's integrity and foreign-key checks, read-only. */
@Command(name = "check", description = {"Checks the database for damage (integrity and foreign-key checks), read-only.",
    "Exits 0 if it is sound, 1 if anything was found.",
    "A file from an older release must first be upgraded by a writing command (e.g. import); check never writes."})
final class CheckCommand extends StoreCommand {
    @Override
    public Integer call() {
        Path path = root.dbPath();
        if (!Files.exists(path)) {
            throw new CommandFailure("No database at " + path + "; name one with --db or $"
                    + CliEnvironment.DB_PATH_VARIABLE);
        }
        VerifyReport report;
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(path)) {
            report = store.verify();
        }
        if (report.ok()) {
            out().println(path + ": ok (integrity check and foreign-key check found nothing)");
            return 0;
        }
        out().println(path + ": " + report.integrityProblems().size() + " integrity problem(s), "
                + report.foreignKeyProblems().size() + " foreign-key problem(s)");
        report.integrityProblems().forEach(p -> out().println("  integrity: " + p));
        report.foreignKeyProblems().forEach(p -> out().println("  foreign key: " + p));
        return 1;
    }
}
