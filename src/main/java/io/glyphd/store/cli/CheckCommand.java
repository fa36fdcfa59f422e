package io.glyphd.store.cli;

import io.glyphd.store.ListingStore;
import io.glyphd.store.StoreHealth;
import io.glyphd.store.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code glyphd-store check}: runs the store's integrity checks, read-only. */
@Command(name = "check", description = {"Checks the store for damage, read-only.",
    "On SQLite: its integrity and foreign-key checks. On PostgreSQL: that every import holds the rows it recorded,"
            + " numbered 1..n, that no listing lacks its import, and that every index is valid.",
    "With --quick: only that the store answers and has the current schema, in milliseconds at any size (a probe).",
    "Exits 0 if it is sound, 1 if anything was found.",
    "A store from an older release must first be upgraded by a writing command (e.g. import); check never writes."})
final class CheckCommand extends StoreCommand {
    @Option(names = "--quick", description = "Check only that the store answers and its schema is current, reading"
            + " no listing (the store's health() probe), instead of reading it all.")
    boolean quick;

    @Override
    public Integer call() {
        StoreLocation location = location();
        VerifyReport report;
        StoreHealth health = null;
        try (ListingStore store = location.open(StoreLocation.Use.READ_ONLY)) {
            if (quick) {
                health = store.health();
            }
            report = quick ? null : store.verify();
        }
        if (health != null) {
            out().println(location + ": " + health);
            return health.ok() ? 0 : 1;
        }
        if (report.ok()) {
            out().println(location + ": ok (" + (location instanceof StoreLocation.Postgres
                    ? "row-count, numbering, orphan and index checks" : "integrity check and foreign-key check")
                    + " found nothing)");
            return 0;
        }
        out().println(location + ": " + report.integrityProblems().size() + " integrity problem(s), "
                + report.foreignKeyProblems().size() + " foreign-key problem(s)");
        report.integrityProblems().forEach(p -> out().println("  integrity: " + p));
        report.foreignKeyProblems().forEach(p -> out().println("  foreign key: " + p));
        return 1;
    }
}
