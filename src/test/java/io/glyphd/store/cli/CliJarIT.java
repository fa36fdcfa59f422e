package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.glyphd.store.postgres.PostgresServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
        return java(jvmOptions, Map.of(), args);
    }

    /**
     * Runs {@code java [jvmOptions] -jar cliJar args} in {@link #dir}, with {@code variables} and none of the
     * variables that name a store or give a password.
     */
    private Run java(List<String> jvmOptions, Map<String, String> variables, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Run run = java(jvmOptions, variables, out, args);
        return new Run(run.status(), Files.readString(out), run.err());
    }

    /** Runs {@code java [jvmOptions] -jar cliJar args} with stdout to {@code out}; the Run's stdout is empty. */
    private Run java(List<String> jvmOptions, Path out, String... args) throws IOException, InterruptedException {
        return java(jvmOptions, Map.of(), out, args);
    }

    private Run java(List<String> jvmOptions, Map<String, String> variables, Path out, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(cliJar.toString());
        Collections.addAll(command, args);
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        for (String variable : List.of(CliEnvironment.DB_PATH_VARIABLE, CliEnvironment.DB_URL_VARIABLE,
                CliEnvironment.DB_PASSWORD_VARIABLE, CliEnvironment.PGPASSWORD_VARIABLE)) {
            builder.environment().remove(variable);
        }
        // The native library's cache: in the test's directory, never the home directory.
        builder.environment().put(NativeLibraryCache.CACHE_DIR_VARIABLE, dir.resolve("cache").toString());
        builder.environment().putAll(variables);
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
    void demoImportsIntoADatabaseOfItsOwnInTheCurrentDirectoryQuietly() throws Exception {
        Run first = java("demo");
        Run second = java("demo");

        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out()).startsWith("Imported 300 listings from the bundled sample as import demo-sample into "
                + "glyphd-demo.sqlite3 in ").contains("Best listing per model (top 10 models by score):");
        assertThat(second.status()).isZero();
        assertThat(dir.resolve("glyphd-demo.sqlite3")).isRegularFile();
        assertThat(dir.resolve("glyphd-store.sqlite3")).as("the default store is left alone").doesNotExist();
        assertThat(java("--db", "glyphd-demo.sqlite3", "imports").out().lines()).hasSize(2);
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
    void aMillionRowFileImportsIn256MegabytesExportsIn128AndCopiesIntoPostgresqlIn64() throws Exception {
        Path large = dir.resolve("million.csv");
        try (BufferedWriter out = Files.newBufferedWriter(large, StandardCharsets.UTF_8)) {
            out.write("canonical_model,price,score,vram_gb,nvlink,quantity,title\n");
            for (int i = 0; i < 1_000_000; i++) {
                out.write("RTX_4090," + (1000 + i % 500) + ".99,0." + (i % 1000) + ",24.0,False,Available,Card " + i
                        + "\n");
            }
        }

        Run run = java(List.of("-Xmx256m"), "import", "million.csv", "--import-id", "million");
        Run copy = java(List.of("-Xmx64m"), CliRunner.passwordVariables(), "copy", "--from", "glyphd-store.sqlite3",
                "--to", CliRunner.url(CliRunner.freshSchema()));

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Imported 1000000 listings from million.csv as import million");

        // The export streams page by page: a 128 MB heap holds one page of 10,000 listings, not the million.
        Path exported = dir.resolve("exported.csv");
        Run export = java(List.of("-Xmx128m"), exported, "query", "--all", "--order", "score", "--format", "csv");

        assertThat(export.status()).as(export.err()).isZero();
        try (Stream<String> lines = Files.lines(exported)) {
            assertThat(lines.count()).isEqualTo(1 + 1_000_000);
        }
        assertThat(copy.status()).as(copy.err()).isZero();
        assertThat(copy.out()).startsWith("Copied import million (1000000 listings, imported at ");
    }

    @Test
    void postgresqlThroughTheJarWithVerboseLoggingNeverPrintsThePassword() throws Exception {
        copyResource("/data/wamatek_scored.csv", "wamatek_scored.csv");
        String server = PostgresServer.shared().password();
        // A password the test server (trusting local connections) does not need still must never be printed.
        String password = server == null ? "never-printed-7f3a9c" : server;
        String url = CliRunner.url(CliRunner.freshSchema());
        Map<String, String> variables = Map.of(CliEnvironment.DB_URL_VARIABLE, url,
                CliEnvironment.PGPASSWORD_VARIABLE, password);

        List<Run> runs = new ArrayList<>();
        runs.add(java(List.of(), variables, "-vv", "import", "wamatek_scored.csv", "--import-id", "w"));
        runs.add(java(List.of(), variables, "-vv", "check"));
        runs.add(java(List.of(), variables, "-vv", "stats", "--min-score", "0.45"));
        runs.add(java(List.of(), variables, "-vv", "copy", "--from", url, "--to", "copy.sqlite3"));
        Run refused = java(List.of(), variables, "-vv", "--db", CliRunner.parameter(url, "password=" + password),
                "imports");
        Run unreachable = java(List.of(), variables, "-vv", "--db",
                "jdbc:postgresql://127.0.0.1:1/none?user=nobody", "imports");

        assertThat(runs).allSatisfy(r -> {
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.err()).contains("DEBUG: ").contains("password from $PGPASSWORD");
        });
        assertThat(runs.get(0).err()).contains("INFO: ").contains("opened glyphd-store");
        assertThat(runs.get(1).out()).endsWith(": ok (row-count, numbering, orphan and index checks found nothing)\n");
        assertThat(runs.get(3).out()).contains("Copied 1 import (10530 listings)");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("the PostgreSQL URL holds password=");
        assertThat(unreachable.status()).isEqualTo(1);
        assertThat(unreachable.err()).contains("glyphd-store: Cannot open PostgreSQL", "127.0.0.1:1 refused");
        runs.add(refused);
        runs.add(unreachable);
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.out()).doesNotContain(password);
            assertThat(r.err()).doesNotContain(password);
        });
    }

    @Test
    void theNativeLibraryIsExtractedOnceIntoTheCacheNeverIntoTheTempDirectoryAndADamagedCopyIsReplaced()
            throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path large = dir.resolve("large.csv");
        try (BufferedWriter out = Files.newBufferedWriter(large, StandardCharsets.UTF_8)) {
            out.write("canonical_model,price,score\n");
            for (int i = 0; i < 300_000; i++) {
                out.write("RTX_4090," + (1000 + i % 500) + ".99,0." + (i % 1000) + "\n");
            }
        }

        // A run killed with -9 mid-import cannot clean up after itself: sqlite-jdbc on its own leaves its copy of
        // the library (and a .lck file) in java.io.tmpdir then.
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-jar", cliJar.toString(), "import", "large.csv");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove(CliEnvironment.DB_PATH_VARIABLE);
        builder.environment().remove(CliEnvironment.DB_URL_VARIABLE);
        builder.environment().put(NativeLibraryCache.CACHE_DIR_VARIABLE, dir.resolve("cache").toString());
        Process killed = builder.start();
        Path store = dir.resolve("glyphd-store.sqlite3");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(store) && killed.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(killed.isAlive()).as("the import still runs when its store appears").isTrue();
        killed.destroyForcibly().waitFor();

        Run second = java(List.of("-Djava.io.tmpdir=" + tmp), "imports");
        // sqlite-jdbc on its own would not start with a java.io.tmpdir that does not exist (it logs that it cannot
        // list it, to clean up old copies, and goes on).
        Path missing = dir.resolve("no-such-tmp");
        Run third = java(List.of("-Djava.io.tmpdir=" + missing), "imports");

        // The killed import committed nothing: the store holds no import, or (killed before its schema was
        // committed) an empty file or no schema, which a read command reports without creating one.
        assertThat(second).satisfiesAnyOf(
                run -> assertThat(run.err()).isEqualTo("No imports in glyphd-store.sqlite3.\n"),
                run -> assertThat(run.err()).contains("No database at glyphd-store.sqlite3 (the file is empty)"),
                run -> assertThat(run.err()).contains("there is no glyphd-store database there"));
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
        assertThat(third.status()).as(third.err()).isEqualTo(second.status());
        assertThat(third.out()).isEqualTo(second.out());
        assertThat(missing).doesNotExist();
        List<Path> cached = cachedLibraries();
        assertThat(cached).hasSize(1);
        Path library = cached.get(0);
        long jarCrc = jarLibraryCrc();
        // The CRC-32 of the cached file's bytes, computed here: the IT runs against the library jar, without the CLI.
        java.util.zip.CRC32 cachedCrc = new java.util.zip.CRC32();
        cachedCrc.update(Files.readAllBytes(library));
        assertThat(cachedCrc.getValue()).isEqualTo(jarCrc);
        assertThat(library.getFileName().toString()).contains(String.format("%08x", jarCrc));

        // A copy cut short (a full disk, a copy by hand) is replaced, not loaded.
        byte[] good = Files.readAllBytes(library);
        Files.write(library, java.util.Arrays.copyOf(good, good.length / 2));
        Run damaged = java(List.of("-Djava.io.tmpdir=" + tmp), "imports");

        assertThat(damaged.status()).as(damaged.err()).isEqualTo(second.status());
        assertThat(damaged.err()).isEqualTo(second.err());
        assertThat(damaged.out()).isEqualTo(second.out());
        assertThat(Files.readAllBytes(library)).isEqualTo(good);
        assertThat(cachedLibraries()).containsExactly(library);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }

    /** Runs {@code ./glyphd-store args} from the checkout, with the cache in the test's directory. */
    private Run launcher(Map<String, String> variables, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of("glyphd-store").toAbsolutePath().toString());
        Collections.addAll(command, args);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove(CliEnvironment.DB_PATH_VARIABLE);
        builder.environment().remove(CliEnvironment.DB_URL_VARIABLE);
        builder.environment().put(NativeLibraryCache.CACHE_DIR_VARIABLE, dir.resolve("cache").toString());
        builder.environment().putAll(variables);
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("./glyphd-store " + String.join(" ", args) + " did not finish");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("cache").resolve("cds"))) {
            return files.sorted().toList();
        }
    }

    @Test
    void theLauncherMakesItsStartUpArchiveOnceUsesItAndMakesItAgainWhenItIsDamaged() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        try (Stream<Path> newer = Stream.of("pom.xml", "src/main", "src/cli", "src/assembly")
                .flatMap(p -> {
                    try {
                        return Files.walk(root.resolve(p));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })) {
            long built = Files.getLastModifiedTime(cliJar).toMillis();
            assumeTrue(newer.noneMatch(p -> p.toFile().lastModified() > built),
                    "sources changed after the jar was built: the launcher would build it again");
        }
        // -Xshare:on: the JVM refuses to start unless it maps the archive named.
        Map<String, String> strict = Map.of("GLYPHD_STORE_JAVA_OPTS", "-Xshare:on");

        Run first = launcher(Map.of(), "--help");
        List<Path> made = archives();
        Object file = Files.readAttributes(made.get(0), BasicFileAttributes.class).fileKey();
        Run second = launcher(strict, "--db", "s.sqlite3", "demo");
        Run third = launcher(strict, "--db", "s.sqlite3", "imports");

        assertThat(List.of(first, second, third)).allSatisfy(r -> {
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
        });
        assertThat(first.out()).startsWith("Usage: glyphd-store");
        assertThat(third.out().lines()).hasSize(2);
        assertThat(made).hasSize(1);
        assertThat(made.get(0).getFileName().toString()).endsWith(".jsa");
        assertThat(archives()).isEqualTo(made);
        assertThat(Files.readAttributes(made.get(0), BasicFileAttributes.class).fileKey())
                .as("the archive is made once").isEqualTo(file);

        // An archive that is not one (cut, overwritten) would be ignored by the JVM on every start: made again.
        made.get(0).toFile().setWritable(true);
        Files.write(made.get(0), new byte[100]);
        Run damaged = launcher(strict, "--db", "s.sqlite3", "imports");

        assertThat(damaged.status()).as(damaged.err()).isEqualTo(second.status());
        assertThat(damaged.out()).isEqualTo(third.out());
        assertThat(archives()).isEqualTo(made);
        assertThat(Files.size(made.get(0))).isGreaterThan(1_000_000);
    }

    private List<Path> cachedLibraries() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
            return files.filter(path -> path.getFileName().toString().matches("libsqlitejdbc.*\\.(so|dylib|dll)"))
                    .toList();
        }
    }

    /** Returns the CRC-32 the CLI jar records for this platform's native library. */
    private long jarLibraryCrc() throws IOException {
        String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath().substring(1) + "/"
                + org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
        try (JarFile cli = new JarFile(cliJar.toFile())) {
            return cli.getEntry(resource).getCrc();
        }
    }

    @Test
    void warningsReachStderrThroughTheCliLoggingAndStdoutStaysClean() throws Exception {
        Files.writeString(dir.resolve("extra.csv"), "canonical_model,price,score,shipping\nA,1,0.5,free\n");

        Run imported = java("import", "extra.csv", "--import-id", "extra");
        Run json = java("query", "--format", "json");

        assertThat(imported.status()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("Imported 1 listings from extra.csv as import extra");
        assertThat(imported.err()).startsWith("WARN: ").contains("'shipping' is not a listing field")
                .doesNotContain("SLF4J");
        assertThat(json.status()).isZero();
        assertThat(json.out()).startsWith("[").contains("\"shipping\" : \"free\"");
        assertThat(json.err()).isEmpty();
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
                    || name.endsWith("sample.csv") || name.contains("logback")
                    || name.startsWith("io/glyphd/store/cli/") || name.endsWith("module-info.class"));
            assertThat(library.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo("io.glyphd.store");
            assertThat(cli.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.glyphd.store.cli.Main");
            assertThat(cli.getEntry("io/glyphd/store/cli/sample.csv")).isNotNull();
            assertThat(cli.getEntry("org/sqlite/JDBC.class")).isNotNull();
            assertThat(cli.getEntry("picocli/CommandLine.class")).isNotNull();
            assertThat(cli.getEntry("org/postgresql/ds/PGSimpleDataSource.class")).isNotNull();
            assertThat(libraryEntries).noneMatch(name -> name.startsWith("org/postgresql/"));
            assertThat(cli.getEntry("io/glyphd/store/cli/CliLogging.class")).isNotNull();
            assertThat(cli.getEntry("io/glyphd/store/cli/CdsTraining.class")).isNotNull();
            assertThat(cli.getEntry("io/glyphd/store/ListingStore.class")).isNotNull();
            // The CLI logs through its own binding; logback is the tests' only.
            assertThat(cli.stream().map(ZipEntry::getName)).noneMatch(name -> name.startsWith("ch/qos/"));
        }
    }

    @Test
    void sourcesAndJavadocJarsHoldTheLibraryAndThePomWhatMavenCentralRequires() throws IOException {
        String libraryJar = System.getProperty("glyphd.libraryJar");
        Path sourcesJar = Path.of(libraryJar.replaceFirst("\\.jar$", "-sources.jar"));
        Path javadocJar = Path.of(libraryJar.replaceFirst("\\.jar$", "-javadoc.jar"));
        try (JarFile sources = new JarFile(sourcesJar.toFile()); JarFile javadoc = new JarFile(javadocJar.toFile());
                JarFile library = new JarFile(libraryJar)) {
            List<String> sourceEntries = sources.stream().map(ZipEntry::getName).toList();
            assertThat(sourceEntries).contains("io/glyphd/store/ListingStore.java",
                    "io/glyphd/store/sqlite/SqliteListingStore.java", "io/glyphd/store/internal/JdbcListingStore.java")
                    .noneMatch(name -> name.startsWith("io/glyphd/store/cli/"));
            List<String> pages = javadoc.stream().map(ZipEntry::getName).toList();
            assertThat(pages).contains("index.html", "io/glyphd/store/ListingStore.html",
                    "io/glyphd/store/sqlite/SqliteListingStore.html")
                    .noneMatch(name -> name.startsWith("io/glyphd/store/cli/")
                            || name.startsWith("io/glyphd/store/internal/"));

            ZipEntry pomEntry = library.getEntry("META-INF/maven/io.glyphd/glyphd-store/pom.xml");
            String pom;
            try (InputStream in = library.getInputStream(pomEntry)) {
                pom = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String element : List.of("name", "description", "url", "licenses", "scm", "developers")) {
                assertThat(pom).as(element).contains("\n    <" + element + ">");
            }
            assertThat(pom).contains("<name>Apache-2.0</name>", "<connection>scm:git:", "<developer>");
        }
        assertThat(Path.of("LICENSE")).content().contains("Apache License", "Version 2.0, January 2004");
    }
}
