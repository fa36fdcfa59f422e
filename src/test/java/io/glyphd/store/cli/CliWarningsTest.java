package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.io.ListingReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warnings as the real program prints them: {@link Main#main} in a child JVM, so that its own logging configuration
 * applies (the in-process tests leave logging to the test run's).
 */
class CliWarningsTest {
    private static final int EXTRA = 300;

    @TempDir
    Path dir;

    /** A CSV file with {@value #EXTRA} columns that are not listing fields, and a JSON file with as many fields. */
    private List<Path> inputs() throws IOException {
        StringBuilder header = new StringBuilder("canonical_model,price,score");
        StringBuilder row = new StringBuilder("RTX_4090,1599,0.33");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < EXTRA; i++) {
            header.append(",extra_").append(i);
            row.append(',').append(i);
            json.append(i == 0 ? "" : ",").append("{\"canonical_model\":\"A100\",\"price\":").append(1000 + i)
                    .append(",\"score\":0.5,\"field_").append(i).append("\":").append(i).append('}');
        }
        return List.of(Files.writeString(dir.resolve("wide.csv"), header + "\n" + row + "\n"),
                Files.writeString(dir.resolve("fields.json"), json.append(']'), StandardCharsets.UTF_8));
    }

    /** Runs the program with {@code args} and returns its stderr lines, checking that the import succeeded. */
    private List<String> stderr(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.sqlite.tmpdir=" + dir, "-Dglyphd.stderr.terminal=false",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--db", dir.resolve("store.sqlite3").toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the child JVM ended").isTrue();
        List<String> lines = Files.readAllLines(err);
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
        assertThat(Files.readString(out)).startsWith("Imported " + (1 + EXTRA) + " listings");
        return lines;
    }

    @Test
    void repeatedWarningsAreCappedPerFileAndQuietSilencesThem() throws Exception {
        List<Path> inputs = inputs();
        String csv = inputs.get(0).toString();
        String json = inputs.get(1).toString();
        int named = ListingReader.MAX_WARNINGS;

        List<String> warnings = stderr("import", csv, json, "--import-id", "wide");
        List<String> quiet = stderr("-q", "import", csv, json, "--import-id", "wide");

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < named; i++) {
            expected.add("WARN: " + csv + ": column 'extra_" + i + "' is not a listing field; its values are kept in"
                    + " heuristics");
        }
        expected.add("WARN: " + csv + ": more columns are not listing fields (the first: 'extra_" + named + "'); their"
                + " values are kept in heuristics too, and no more are named");
        expected.add("WARN: " + csv + ": " + EXTRA + " columns in all are not listing fields (" + named + " named"
                + " above); their values are kept in heuristics");
        for (int i = 0; i < named; i++) {
            expected.add("WARN: " + json + ": field 'field_" + i + "' is not a listing field; its values are kept in"
                    + " heuristics");
        }
        expected.add("WARN: " + json + ": more fields are not listing fields (the first: 'field_" + named + "'); their"
                + " values are kept in heuristics too, and no more are named");
        expected.add("WARN: " + json + ": " + EXTRA + " fields in all are not listing fields (" + named + " named"
                + " above); their values are kept in heuristics");
        assertThat(warnings).containsExactlyElementsOf(expected);
        assertThat(quiet).isEmpty();
    }
}
