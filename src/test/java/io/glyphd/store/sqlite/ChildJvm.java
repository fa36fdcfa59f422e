package io.glyphd.store.sqlite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(logs);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // C1 only and a serial GC: a short-lived child on two cores runs faster without C2 and GC threads.
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-Dorg.sqlite.tmpdir=" + tmp,
                    "-cp", System.getProperty("java.class.path"),
                    ChildImporter.class.getName()));
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
