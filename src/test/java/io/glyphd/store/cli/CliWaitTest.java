package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ImportResult;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import --wait}: an import that finds another import running on the same SQLite file waits for it, says so
 * once on stderr, and lands after it; with a wait too short it fails, says why, and writes nothing. The import under
 * test is a real CLI process; the import ahead of it runs in this JVM, on an iterator that holds it inside its
 * transaction (and so holds the file's write lock) until the test lets it go on.
 */
class CliWaitTest {
    private static final long GIVE_UP_SECONDS = 120;

    @TempDir
    Path dir;
    private Path db;
    private Path queued;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void files() throws IOException {
        db = dir.resolve("store.sqlite3");
        StringBuilder csv = new StringBuilder("canonical_model,price,score\n");
        for (int i = 0; i < 300; i++) {
            csv.append("RTX_5090,").append(2000 + i).append(",0.5\n");
        }
        queued = Files.writeString(dir.resolve("queued.csv"), csv, StandardCharsets.UTF_8);
        try (ListingStore store = new SqliteListingStore(db)) {
            assertThat(store.countListings(ListingQuery.all())).isZero();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        children.forEach(Process::destroyForcibly);
        pool.shutdownNow();
    }

    /**
     * Starts import "ahead" of 200 rows on another thread and returns once it is inside its transaction, holding
     * the write lock: its iterator, asked for row 101, waits for {@link #release}.
     */
    private Future<ImportResult> startTheImportAhead() throws InterruptedException {
        Future<ImportResult> result = pool.submit(() -> {
            try (ListingStore store = new SqliteListingStore(db)) {
                return store.importListings(new Iterator<Listing>() {
                    private int handed;

                    @Override
                    public boolean hasNext() {
                        if (handed == 100) {
                            holding.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                        return handed < 200;
                    }

                    @Override
                    public Listing next() {
                        handed++;
                        return Listing.builder().canonicalModel("RTX_4090").price(String.valueOf(1000 + handed))
                                .score(0.25).build();
                    }
                }, ImportRequest.of("ahead"));
            }
        });
        assertThat(holding.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)).as("the import ahead started").isTrue();
        return result;
    }

    /** Starts {@code glyphd-store ARGS} in a child JVM; its stdout and stderr go to files of this test. */
    private Process cli(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.sqlite.tmpdir=" + Files.createDirectories(dir.resolve("child-tmp")),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve(name + ".stdout").toFile())
                .redirectError(dir.resolve(name + ".stderr").toFile()).start();
        children.add(process);
        return process;
    }

    private String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int exitCode(Process process) throws InterruptedException {
        assertThat(process.waitFor(GIVE_UP_SECONDS, TimeUnit.SECONDS)).as("the CLI ended").isTrue();
        return process.exitValue();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<String> waitingLines(String err) {
        return err.lines().filter(l -> l.startsWith("Waiting for another writer")).toList();
    }

    private Map<String, Long> imports() {
        try (ListingStore store = SqliteListingStore.openReadOnly(db)) {
            Map<String, Long> counts = new TreeMap<>();
            for (ImportMetadata i : store.listImports()) {
                counts.put(i.importId(), i.recordCount());
            }
            assertThat(store.verify().ok()).isTrue();
            return counts;
        }
    }

    @Test
    void anImportThatFindsAnotherImportRunningWaitsForItSaysSoOnceAndThenLands() throws Exception {
        Future<ImportResult> ahead = startTheImportAhead();

        Process run = cli("queued", "--db", db.toString(), "import", "--import-id", "queued", "--wait", "2m",
                queued.toString());
        await("the queued import says it waits", () -> !waitingLines(read("queued.stderr")).isEmpty());
        assertThat(run.waitFor(300, TimeUnit.MILLISECONDS)).as("still waiting while the import ahead runs").isFalse();

        release.countDown();
        assertThat(ahead.get(GIVE_UP_SECONDS, TimeUnit.SECONDS).recordCount()).isEqualTo(200);
        assertThat(exitCode(run)).as(read("queued.stderr")).isZero();
        assertThat(read("queued.stdout")).startsWith("Imported 300 listings from " + queued + " as import queued");
        assertThat(read("queued.stderr")).isEqualTo("Waiting for another writer (another connection or process) to"
                + " finish with " + db + "; giving up after 2 min in all (--wait)\n");
        assertThat(imports()).isEqualTo(Map.of("ahead", 200L, "queued", 300L));
    }

    @Test
    void withAWaitTooShortTheImportFailsSayingWhyAndWritesNothing() throws Exception {
        Future<ImportResult> ahead = startTheImportAhead();

        Process loud = cli("loud", "--db", db.toString(), "import", "--import-id", "queued", "--wait", "1500ms",
                queued.toString());
        Process quiet = cli("quiet", "--db", db.toString(), "-q", "import", "--import-id", "queued", "--wait", "1s",
                queued.toString());
        assertThat(exitCode(loud)).as(read("loud.stderr")).isEqualTo(1);
        assertThat(exitCode(quiet)).as(read("quiet.stderr")).isEqualTo(1);
        assertThat(ahead).as("the import ahead still runs").isNotDone();

        assertThat(waitingLines(read("loud.stderr"))).containsExactly("Waiting for another writer (another"
                + " connection or process) to finish with " + db + "; giving up after 1500 ms in all (--wait)");
        assertThat(waitingLines(read("quiet.stderr"))).as("-q").isEmpty();
        for (String name : List.of("loud", "quiet")) {
            assertThat(read(name + ".stdout")).isEmpty();
            assertThat(read(name + ".stderr")).contains("glyphd-store: Cannot import listings as ")
                    .contains(" into " + db + ": the database is locked by another connection or process")
                    .contains("nothing of this operation was written").contains("--wait");
        }
        assertThat(read("loud.stderr")).contains("within the lock wait of 1500 ms");
        assertThat(read("quiet.stderr")).contains("within the lock wait of 1 s");

        release.countDown();
        assertThat(ahead.get(GIVE_UP_SECONDS, TimeUnit.SECONDS).recordCount()).isEqualTo(200);
        assertThat(imports()).isEqualTo(Map.of("ahead", 200L));
    }

    @Test
    void badWaitsAreUsageErrorsNamingTheOption() {
        List<String> refused = new ArrayList<>();
        for (String bad : List.of("10", "ten", "-1s", "1.5s", "25h", "1441m", "99999999999999s", "10x", "")) {
            CliRunner.Run run = CliRunner.run(Map.of(), false, "--db", db.toString(), "import", "--wait", bad,
                    queued.toString());
            assertThat(run.status()).as(bad).isEqualTo(2);
            assertThat(run.err()).as(bad).contains("--wait").contains(bad.isEmpty() ? "duration" : bad);
            refused.add(bad);
        }
        assertThat(refused).hasSize(9);
        assertThat(imports()).isEmpty();

        // The second imports the same bytes again, which only --allow-duplicate lets through.
        CliRunner.Run zero = CliRunner.run(Map.of(), false, "--db", db.toString(), "import", "--wait", "0",
                queued.toString());
        CliRunner.Run day = CliRunner.run(Map.of(), false, "--db", db.toString(), "import", "--wait", "24h",
                "--allow-duplicate", queued.toString());
        assertThat(List.of(zero, day)).allSatisfy(run -> assertThat(run.status()).as(run.err()).isZero());
    }
}
