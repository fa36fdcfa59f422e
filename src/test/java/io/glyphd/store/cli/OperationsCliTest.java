package io.glyphd.store.cli;

import static io.glyphd.store.TestListings.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --quick}, {@code backup}, {@code prune} and {@code compact}, end to end on a SQLite file. */
class OperationsCliTest {
    private static final String DURATION = "\\d+(\\.\\d+)? (ms|s)";

    @TempDir
    Path dir;
    Path db;

    @BeforeEach
    void store() {
        db = dir.resolve("store.sqlite3");
        Instant now = Instant.now();
        try (SqliteListingStore store = new SqliteListingStore(db)) {
            int days = 50;
            for (String id : new String[] {"a1", "a2", "a3"}) {
                store.insertListings(sample(1_000), new ImportRequest(id, "shop-a", null)
                        .withImportedAt(now.minus(Duration.ofDays(days))));
                days -= 20;
            }
            store.insertListings(sample(4), new ImportRequest("b1", "shop-b", null)
                    .withImportedAt(now.minus(Duration.ofDays(90))));
        }
    }

    private CliRunner.Run run(String... args) {
        return CliRunner.run(Map.of(CliEnvironment.DB_PATH_VARIABLE, db.toString()), false, args);
    }

    @Test
    void theCommandsAreListedAndEachHasHelp() {
        assertThat(run("--help").out()).contains("backup", "prune", "compact");
        for (String command : new String[] {"backup", "prune", "compact", "check"}) {
            CliRunner.Run help = run(command, "--help");
            assertThat(help.status()).as(command + " --help").isZero();
            assertThat(help.out()).as(command + " --help").contains("Usage: glyphd-store " + command);
        }
        assertThat(run("prune", "--help").out()).contains("--keep=N", "--max-age=AGE", "--dry-run");
        assertThat(run("check", "--help").out()).contains("--quick");
    }

    @Test
    void checkQuickReportsTheSchemaAndLatency() {
        CliRunner.Run run = run("check", "--quick");

        assertThat(run.status()).isZero();
        assertThat(run.out()).matches("\\Q" + db + "\\E: ok: schema version \\d+, answered in " + DURATION + "\n");
    }

    @Test
    void backupWritesAStoreOfItsOwnAndRefusesAnExistingFile() {
        Path copy = dir.resolve("copy.sqlite3");

        CliRunner.Run run = run("backup", copy.toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).matches("Backed up \\Q" + db + "\\E to \\Q" + copy + "\\E \\(\\d+\\.\\d (kB|MB)\\) in "
                + DURATION + "\n");
        try (SqliteListingStore restored = SqliteListingStore.openReadOnly(copy)) {
            assertThat(restored.countListings(ListingQuery.all())).isEqualTo(3_004);
            assertThat(restored.verify().ok()).isTrue();
        }
        CliRunner.Run again = run("backup", copy.toString());
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains(copy + " already exists");
    }

    @Test
    void pruneDryRunListsThenPruneRemovesAndCompactGivesTheSpaceBack() {
        CliRunner.Run dryRun = run("prune", "--keep", "1", "--max-age", "35d", "--dry-run");

        assertThat(dryRun.status()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).startsWith("Would remove 1 imports (1000 listings) from " + db
                + " (dry run: nothing was removed):\n");
        assertThat(dryRun.out().lines().skip(2).map(line -> line.split(" +")[0])).containsExactly("a1");
        assertThat(run("imports").out().lines()).hasSize(5);

        CliRunner.Run pruned = run("prune", "--keep", "1", "--max-age", "P35D");

        assertThat(pruned.status()).isZero();
        assertThat(pruned.out()).startsWith("Removed 1 imports (1000 listings) from " + db + ":\n")
                .endsWith("'glyphd-store compact' gives the space back.\n");
        try (SqliteListingStore store = SqliteListingStore.openReadOnly(db)) {
            assertThat(store.listImports()).extracting(ImportMetadata::importId)
                    .containsExactlyInAnyOrder("a2", "a3", "b1");
        }
        assertThat(run("prune", "--keep", "1", "--max-age", "35d").out()).isEqualTo("Nothing to prune in " + db
                + ": every import is kept\n");

        CliRunner.Run compact = run("compact");
        assertThat(compact.status()).as(compact.err()).isZero();
        assertThat(compact.out()).matches("Compacted \\Q" + db + "\\E from \\d+\\.\\d (kB|MB) to \\d+\\.\\d (kB|MB)"
                + " \\(\\d+\\.\\d (kB|MB) given back\\) in " + DURATION + "\n");
    }

    @Test
    void pruneOptionsAreCheckedUpFront() throws Exception {
        long size = Files.size(db);
        CliRunner.Run none = run("prune", "--dry-run");
        CliRunner.Run zero = run("prune", "--keep", "0");
        CliRunner.Run badAge = run("prune", "--max-age", "30x");

        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("prune needs --keep N or --max-age AGE (or both)");
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err()).contains("--keep: keepNewest must be >= 1, was 0");
        assertThat(badAge.status()).isEqualTo(2);
        assertThat(badAge.err()).contains("'30x' is not an age");
        assertThat(run("imports").out().lines()).hasSize(5);
        assertThat(Files.size(db)).isEqualTo(size);
    }
}
