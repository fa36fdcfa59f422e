package io.glyphd.store.sqlite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.sqlite.util.OSInfo;

/**
 * A child JVM running {@link ChildImporter} on this test run's class path, with its own {@code org.sqlite.tmpdir}
 * so that the native library copy a killed child cannot delete stays in a test directory. Its stdout is read
 * line by line, its stderr goes to a file that failure messages quote.
 */
final class ChildJvm implements AutoCloseable {
    /** How long a child may take before the test gives up on it: a guard against hangs, not a timing check. */
    private static final long GIVE_UP_MINUTES = 3;

    private final Process process;
    private final BufferedReader stdout;
    private final Writer stdin;
    private final Path stderr;
    private final List<String> lines = new ArrayList<>();

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stderr = stderr;
    }

    /** Starts {@code ChildImporter} with {@code args}; {@code tmp} receives the child's native library copy. */
    static ChildJvm start(Path tmp, Path logs, String... args) {
        return launch(List.of(), List.of("-Dorg.sqlite.tmpdir=" + tmp), tmp, logs, args);
    }

    /**
     * Starts {@code ChildImporter} with {@code args} in a process that may not write any file beyond
     * {@code maxFileKib} KiB ({@code ulimit -f}, through bash): a write past it fails with EFBIG, as a write on a
     * full disk fails with ENOSPC. The child loads a copy of SQLite's native library made in {@code tmp} by this
     * process, since it could not extract its own, and keeps no JVM performance-data file.
     */
    static ChildJvm startWithFileSizeLimit(long maxFileKib, Path tmp, Path logs, String... args) {
        Path library = nativeLibraryCopy(tmp);
        return launch(List.of("bash", "-c", "ulimit -f " + maxFileKib + " && exec \"$0\" \"$@\""),
                List.of("-XX:-UsePerfData", "-Dorg.sqlite.lib.path=" + library.getParent(),
                        "-Dorg.sqlite.lib.name=" + library.getFileName()), tmp, logs, args);
    }

    private static Path nativeLibraryCopy(Path tmp) {
        String name = System.mapLibraryName("sqlitejdbc");
        String resource = "/org/sqlite/native/" + OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
        Path copy = tmp.resolve("native").resolve(name);
        try (InputStream in = ChildJvm.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the class path");
            }
            Files.createDirectories(copy.getParent());
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + resource, e);
        }
    }

    private static ChildJvm launch(List<String> prefix, List<String> jvmOptions, Path tmp, Path logs,
            String... args) {
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(logs);
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // C1 only and a serial GC: a short-lived child on two cores runs faster without C2 and GC threads.
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildImporter.class.getName()));
            command.addAll(List.of(args));
            Path stderr = Files.createTempFile(logs, "child-", ".stderr");
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            return new ChildJvm(process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM", e);
        }
    }

    /** Reads lines until one matches, and returns it; fails if the child's output ends first. */
    String awaitLine(Predicate<String> wanted) {
        try {
            String line;
            while ((line = stdout.readLine()) != null) {
                lines.add(line);
                if (wanted.test(line)) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the child's output", e);
        }
        throw new AssertionError("the child's output ended without the expected line; " + describe());
    }

    /** Reads the rest of the output and waits for the child to exit; returns every line it printed. */
    List<String> awaitExit() {
        try {
            String line;
            while ((line = stdout.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the child's output", e);
        }
        waitFor();
        return lines;
    }

    /** Writes one line to the child's stdin. */
    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the child", e);
        }
    }

    /** Kills the child as a power cut would kill a process (SIGKILL: no shutdown hooks, no finally blocks). */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitCode() {
        waitFor();
        return process.exitValue();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(GIVE_UP_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the child did not end; " + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the child", e);
        }
    }

    /** Returns what the child printed so far and its stderr, for failure messages. */
    String describe() {
        String err;
        try {
            err = Files.readString(stderr);
        } catch (IOException e) {
            err = "(stderr unreadable: " + e + ")";
        }
        int from = Math.max(0, lines.size() - 5);
        return "last stdout lines " + lines.subList(from, lines.size()) + ", stderr:\n" + err;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            stdout.close();
            stdin.close();
        } catch (IOException ignored) {
            // The process is gone; its pipes do not matter any more.
        }
    }
}
