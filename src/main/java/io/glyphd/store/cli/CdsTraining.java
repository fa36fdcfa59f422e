package io.glyphd.store.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run from which the {@code ./glyphd-store} launcher makes its class-data-sharing archive, once per jar:
 * {@code java -XX:ArchiveClassesAtExit=ARCHIVE -cp CLI_JAR io.glyphd.store.cli.CdsTraining}. It runs the common
 * commands once each, output discarded, on a store in a temporary directory that it deletes, so the archive holds
 * the classes they load (picocli's model and help, the CLI's logging, sqlite-jdbc, the import and query paths).
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    /**
     * Runs the training commands and exits 0, or 1 if one failed (the archive is still usable then).
     *
     * @param args none
     * @throws IOException if the temporary directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        CliEnvironment environment = new CliEnvironment(System.getenv(), false);
        Main.prepareProcess(environment);
        Path directory = Files.createTempDirectory("glyphd-store-cds");
        int failures = 0;
        try {
            String db = directory.resolve("training.sqlite3").toString();
            List<List<String>> commands = List.of(List.of("--help"), List.of("import", "--help"),
                    List.of("--db", db, "demo"), List.of("--db", db, "imports"),
                    List.of("--db", db, "query", "--limit", "5", "--format", "json"),
                    List.of("--db", db, "stats"), List.of("--db", db, "check"));
            for (List<String> command : commands) {
                PrintWriter discard = new PrintWriter(Writer.nullWriter());
                if (Main.run(command.toArray(String[]::new), environment, discard, discard, true) != 0) {
                    failures++;
                }
            }
        } finally {
            delete(directory);
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
