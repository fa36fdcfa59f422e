package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code glyphd-store-VERSION-cli.jar} as {@code java -jar}, as a user would. Runs in Maven's
 * integration-test phase (failsafe), after package; skipped when the jar has not been built, e.g. in an IDE.
 */
class CliJarIT {
    @TempDir
    Path dir;
    Path cliJar;

    /** What a process printed and returned. */
    record Run(int status, String out, String err) {
    }

    @BeforeEach
    void findJar() {
        String property = System.getProperty("glyphd.cliJar");
        cliJar = property == null ? null : Path.of(property);
        assumeTrue(cliJar != null && Files.isRegularFile(cliJar),
                "the -cli jar is not built; run mvn verify (path: " + property + ")");
    }

    /** Runs {@code java [jvmOptions] -jar cliJar args} in {@link #dir}, without GLYPHD_DB_PATH. */
    private Run java(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Run run = java(jvmOptions, out, args);
        return new Run(run.status(), Files.readString(out), run.err());
    }

    /** Runs {@code java [jvmOptions] -jar cliJar args} with stdout to {@code out}; the Run's stdout is empty. */
    private Run java(List<String> jvmOptions, Path out, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(cliJar.toString());
        Collections.addAll(command, args);
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().remove(CliEnvironment.DB_PATH_VARIABLE);
        Process process = builder.start();
        process.getOutputStream().close();
        // A generous limit, only so a hung process cannot hang the build.
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("java -jar " + String.join(" ", args) + " did not finish");
        }
        return new Run(process.exitValue(), "", Files.readString(err));
    }

    private Run java(String... args) throws IOException, InterruptedException {
        return java(List.of(), args);
    }

    private Path copyResource(String resource, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = CliJarIT.class.getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
        return target;
    }

    @Test
    void demoImportsIntoTheDefaultDatabaseInTheCurrentDirectoryQuietly() throws Exception {
        Run first = java("demo");
        Run second = java("demo");

        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out()).startsWith("Imported 300 listings from the bundled sample as import demo-sample into "
                + "glyphd-store.sqlite3 in ").contains("Best listing per model (top 10 models by score):");
        assertThat(second.status()).isZero();
        assertThat(dir.resolve("glyphd-store.sqlite3")).isRegularFile();
        assertThat(java("imports").out().lines()).hasSize(2);
    }

    @Test
    void realFileImportsAndExportsThroughTheJar() throws Exception {
        copyResource("/data/wamatek_scored.csv", "wamatek_scored.csv");

        Run imported = java("import", "wamatek_scored.csv", "--import-id", "wamatek");
        Run csv = java("query", "--import-id", "wamatek", "--all", "--format", "csv");
        Run verbose = java("-v", "imports");

        assertThat(imported.status()).as(imported.err()).isZero();
        assertThat(imported.out()).matches("Imported 10530 listings from wamatek_scored.csv as import wamatek into "
                + "glyphd-store.sqlite3 in \\d+(\\.\\d+)? (ms|s)\n");
        assertThat(imported.err()).isEmpty();
        assertThat(csv.out().lines()).hasSize(10_531);
        assertThat(csv.err()).isEmpty();
        assertThat(verbose.out()).startsWith("IMPORT_ID").contains("wamatek");
        assertThat(verbose.err()).startsWith("INFO: ").contains("opened glyphd-store");
    }

    @Test
    void errorsAndUsageMistakesExitWithOneAndTwo() throws Exception {
        Files.writeString(dir.resolve("bad.csv"), "canonical_model,price,score\nA,1,0.5\nA,x,0.5\n");

        Run bad = java("import", "bad.csv");
        Run usage = java("query", "--limit", "-1");

        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("glyphd-store: Cannot read bad.csv: line 3 (record 2), column price: "
                + "not a number: 'x'\nNothing was imported.\n");
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.out()).isEmpty();
    }

    @Test
    void millionRowFileStreamsIntoTheStoreWithA256MegabyteHeapAndOutWithA128MegabyteOne() throws Exception {
        Path large = dir.resolve("million.csv");
        try (BufferedWriter out = Files.newBufferedWriter(large, StandardCharsets.UTF_8)) {
            out.write("canonical_model,price,score,vram_gb,nvlink,quantity,title\n");
            for (int i = 0; i < 1_000_000; i++) {
                out.write("RTX_4090," + (1000 + i % 500) + ".99,0." + (i % 1000) + ",24.0,False,Available,Card " + i
                        + "\n");
            }
        }

        Run run = java(List.of("-Xmx256m"), "import", "million.csv", "--import-id", "million");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Imported 1000000 listings from million.csv as import million");

        // The export streams page by page: a 128 MB heap holds one page of 10,000 listings, not the million.
        Path exported = dir.resolve("exported.csv");
        Run export = java(List.of("-Xmx128m"), exported, "query", "--all", "--order", "score", "--format", "csv");

        assertThat(export.status()).as(export.err()).isZero();
        try (Stream<String> lines = Files.lines(exported)) {
            assertThat(lines.count()).isEqualTo(1 + 1_000_000);
        }
    }

    @Test
    void libraryJarIsThinAndTheCliJarIsRunnable() throws IOException {
        Path libraryJar = Path.of(System.getProperty("glyphd.libraryJar"));
        try (JarFile library = new JarFile(libraryJar.toFile()); JarFile cli = new JarFile(cliJar.toFile())) {
            List<String> libraryEntries = library.stream().map(ZipEntry::getName).toList();
            assertThat(libraryEntries).contains("io/glyphd/store/ListingStore.class",
                    "io/glyphd/store/io/ListingReader.class");
            assertThat(libraryEntries).noneMatch(name -> name.startsWith("org/sqlite/")
                    || name.startsWith("picocli/") || name.startsWith("ch/qos/") || name.startsWith("com/fasterxml/")
                    || name.endsWith("sample.csv") || name.contains("logback"));
            assertThat(cli.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.glyphd.store.cli.Main");
            assertThat(cli.getEntry("io/glyphd/store/cli/sample.csv")).isNotNull();
            assertThat(cli.getEntry("org/sqlite/JDBC.class")).isNotNull();
            assertThat(cli.getEntry("picocli/CommandLine.class")).isNotNull();
        }
    }
}
