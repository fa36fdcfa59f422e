package io.glyphd.store.postgres;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster of this JVM's own: {@code initdb} once into a fresh temporary directory, then a postmaster
 * that {@link #start()} and {@link #stop()} run and end, always on the same loopback port and data directory.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM is root (as CI is), every PostgreSQL program runs as uid and
 * gid {@value #UNPRIVILEGED} ({@code nobody}) through util-linux's {@code setpriv}, and the temporary directory is
 * handed to that user; the binaries are world-readable (see {@link PostgresBinaries}). A real uid switch, not
 * zonky's {@code unshare -U}: that needs user namespaces (which container seccomp profiles often refuse) and leaves
 * the server root as far as the kernel is concerned.
 *
 * <p>The postmaster's output goes to {@code server.log} in the temporary directory; failures quote its tail. A
 * watchdog shell whose standard input is a pipe from this JVM interrupts the server (fast shutdown) and deletes the
 * directory if this JVM dies without running its shutdown hook, for instance when it is killed with SIGKILL.
 */
final class LocalPostgres {
    static final String HOST = "127.0.0.1";
    static final String SUPERUSER = "postgres";
    /** Not a secret: the server listens on loopback only, and the tests must pass a password as real clients do. */
    static final String PASSWORD = "glyphd-test";
    static final String ADMIN_DATABASE = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
    private static final int UNPRIVILEGED = 65534;
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
    /** A shutdown hook waits this long for a start or stop in progress before it kills the server. */
    private static final Duration HOOK_PATIENCE = Duration.ofSeconds(20);
    /** Per readiness probe: something else on our port may accept the connection and never answer. */
    private static final int PROBE_TIMEOUT_SECONDS = 10;
    private static final int PORT_ATTEMPTS = 5;
    private static final int LOG_TAIL_LINES = 40;
    /** $1 the postmaster's pid, $2 the directory to delete; stdin reaches EOF only when this JVM is gone. */
    private static final String WATCHDOG = "cat >/dev/null; kill -INT \"$1\" 2>/dev/null; n=0;"
            + " while kill -0 \"$1\" 2>/dev/null && [ $n -lt 60 ]; do sleep 1; n=$((n+1)); done; rm -rf \"$2\"";

    private final Path baseDir;
    private final Path binDir;
    private final Path dataDir;
    private final Path serverLog;
    private final boolean root;
    /** Guards the fields below; a lock rather than synchronized so that a shutdown hook can give up on it. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile int port;
    private volatile Process postmaster;
    private volatile Process watchdog;

    private LocalPostgres(Path baseDir, Path binDir, boolean root) {
        this.baseDir = baseDir;
        this.binDir = binDir;
        this.dataDir = baseDir.resolve("data");
        this.serverLog = baseDir.resolve("server.log");
        this.root = root;
    }

    /** Unpacks the binaries if needed and runs {@code initdb}; the server is not started yet. */
    static LocalPostgres create() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path baseDir = Files.createTempDirectory(tmp, "glyphd-postgres-");
        boolean root = (Integer) Files.getAttribute(baseDir, "unix:uid") == 0;
        if (root && !searchableByOthers(tmp)) {
            Files.delete(baseDir);
            Path fallback = Path.of("/tmp");
            if (!searchableByOthers(fallback)) {
                throw new IllegalStateException("this JVM runs as root, so PostgreSQL must run as uid " + UNPRIVILEGED
                        + ", which can reach neither java.io.tmpdir (" + tmp + ") nor " + fallback);
            }
            LOG.warn("uid {} cannot reach java.io.tmpdir ({}): the test PostgreSQL server goes to {}", UNPRIVILEGED,
                    tmp, fallback);
            tmp = fallback;
            baseDir = Files.createTempDirectory(tmp, "glyphd-postgres-");
        }
        try {
            long started = System.nanoTime();
            Path installDir = PostgresBinaries.prepare(tmp, baseDir);
            long unpacked = System.nanoTime();
            LocalPostgres cluster = new LocalPostgres(baseDir, installDir.resolve("bin"), root);
            cluster.handOver(baseDir);
            cluster.initdb();
            LOG.info("binaries ready in {} ms, initdb in {} ms (in {}{})", millis(started, unpacked),
                    millis(unpacked, System.nanoTime()), baseDir, root ? ", as uid " + UNPRIVILEGED : "");
            return cluster;
        } catch (IOException | RuntimeException e) {
            try {
                PostgresBinaries.deleteTree(baseDir);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The server's port: 0 until the first {@link #start()}, the same one ever after. */
    int port() {
        return port;
    }

    /** Runs {@code action} with the start/stop lock held, so that a restart is one step for other threads. */
    void locked(IoAction action) throws IOException {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    /** Starts the server and waits until it accepts connections; does nothing if it runs already. */
    void start() throws IOException {
        locked(this::startLocked);
    }

    private void startLocked() throws IOException {
        if (postmaster != null && postmaster.isAlive()) {
            return;
        }
        boolean portFixed = port != 0;
        for (int attempt = 1; ; attempt++) {
            if (!portFixed) {
                port = freePort();
            }
            long started = System.nanoTime();
            long logOffset = Files.exists(serverLog) ? Files.size(serverLog) : 0;
            launch();
            String failure = awaitReady();
            if (failure == null) {
                LOG.info("postmaster {} ready on {}:{} in {} ms", postmaster.pid(), HOST, port,
                        millis(started, System.nanoTime()));
                return;
            }
            kill();
            String log = logSince(logOffset);
            if (!portFixed && attempt < PORT_ATTEMPTS && log.contains("could not bind")) {
                LOG.debug("port {} was taken before the server could bind it; trying another", port);
                continue;
            }
            throw new IllegalStateException(failure + " (data directory " + dataDir + ", port " + port
                    + (portFixed ? ", which it must keep across restarts" : "") + "); server.log ends:\n"
                    + tail(log));
        }
    }

    /** Fast shutdown: open sessions are ended, as a crash-free server restart would; does nothing if stopped. */
    void stop() throws IOException {
        locked(this::stopLocked);
    }

    private void stopLocked() throws IOException {
        if (postmaster == null) {
            return;
        }
        try {
            if (postmaster.isAlive()) {
                int status = run(command("pg_ctl", "-D", dataDir.toString(), "stop", "-m", "fast", "-w",
                        "-t", Long.toString(STOP_TIMEOUT.toSeconds())), serverLog, STOP_TIMEOUT.plusSeconds(10));
                if (!await(postmaster, Duration.ofSeconds(status == 0 ? STOP_TIMEOUT.toSeconds() : 1))) {
                    LOG.warn("pg_ctl stop exited with {} and postmaster {} still runs: killing it", status,
                            postmaster.pid());
                    postmaster.destroyForcibly();
                    await(postmaster, STOP_TIMEOUT);
                }
            }
        } finally {
            if (watchdog != null) {
                watchdog.destroy();
            }
            postmaster = null;
            watchdog = null;
        }
    }

    /**
     * For a shutdown hook, or a server that failed to start: stops the server and deletes its directory, data and
     * logs included; logs instead of throwing. If another thread is starting or stopping the server and does not
     * finish soon, the server is killed instead.
     */
    void destroyQuietly() {
        boolean locked = false;
        try {
            locked = lock.tryLock(HOOK_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (locked) {
                stopLocked();
            } else {
                LOG.warn("a start or stop of {} did not finish within {} s: killing the server", this,
                        HOOK_PATIENCE.toSeconds());
                kill();
            }
            PostgresBinaries.deleteTree(baseDir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not stop the test PostgreSQL server or delete {}", baseDir, e);
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    private Connection probe(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(PROBE_TIMEOUT_SECONDS));
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/" + database, properties);
    }

    @Override
    public String toString() {
        return "PostgreSQL on " + HOST + ":" + port + " in " + dataDir + (root ? " as uid " + UNPRIVILEGED : "");
    }

    private void initdb() throws IOException {
        Path passwordFile = baseDir.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        handOver(passwordFile);
        Path log = baseDir.resolve("initdb.log");
        int status;
        try {
            status = run(command("initdb", "-D", dataDir.toString(), "-U", SUPERUSER, "--pwfile=" + passwordFile,
                    "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-locale", "--no-sync",
                    "--no-instructions"), log, INITDB_TIMEOUT);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        if (status != 0) {
            throw new IllegalStateException("initdb exited with " + status + permissionHint() + "; its output:\n"
                    + tail(Files.readString(log, StandardCharsets.ISO_8859_1)));
        }
    }

    private void launch() throws IOException {
        List<String> command = command("postgres", "-D", dataDir.toString(), "-p", Integer.toString(port),
                "-c", "listen_addresses=" + HOST,
                "-c", "unix_socket_directories=",
                "-c", "max_connections=200",
                // Test speed: a crash of the machine may lose or corrupt this throw-away cluster, nothing else.
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off");
        postmaster = processBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                .start();
        // Run as this JVM's own user (root included), so that it can delete what this JVM wrote too.
        try {
            watchdog = new ProcessBuilder("/bin/sh", "-c", WATCHDOG, "watchdog", Long.toString(postmaster.pid()),
                    baseDir.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            kill();
            throw e;
        }
    }

    /** Null once the server answers a query; else why it will not. */
    private String awaitReady() throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!postmaster.isAlive()) {
                return "the PostgreSQL server exited with status " + postmaster.exitValue() + " while starting";
            }
            try (Connection connection = probe(ADMIN_DATABASE)) {
                if (connection.isValid(PROBE_TIMEOUT_SECONDS)) {
                    return null;
                }
            } catch (SQLException e) {
                last = e;
            }
            sleep(Duration.ofMillis(20));
        }
        return "the PostgreSQL server did not accept connections within " + STARTUP_TIMEOUT.toSeconds() + " s"
                + (last == null ? "" : " (last attempt: " + last.getMessage() + ")");
    }

    private void kill() throws IOException {
        Process server = postmaster;
        Process guard = watchdog;
        if (server != null) {
            server.destroyForcibly();
            await(server, STOP_TIMEOUT);
        }
        if (guard != null) {
            guard.destroy();
        }
        postmaster = null;
        watchdog = null;
    }

    private List<String> command(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (root) {
            // setpriv drops every capability with the uid; the groups too, so that nothing of root's remains.
            command.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED,
                    "--clear-groups"));
        }
        command.add(binDir.resolve(program).toString());
        command.addAll(Arrays.asList(arguments));
        return command;
    }

    private ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"));
        // Nothing of the developer's PG* settings (PGDATA, PGPORT...); C messages, which start() reads.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_ALL", "C");
        return builder;
    }

    private int run(List<String> command, Path log, Duration timeout) throws IOException {
        Process process;
        try {
            process = processBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + (root ? " (this JVM runs as root, so "
                    + "PostgreSQL must run as uid " + UNPRIVILEGED + " through util-linux's setpriv)" : ""), e);
        }
        if (!await(process, timeout)) {
            process.destroyForcibly();
            throw new IOException(command + " did not finish within " + timeout.toSeconds() + " s");
        }
        return process.exitValue();
    }

    /** As root: gives {@code path} to the server's user. */
    private void handOver(Path path) throws IOException {
        if (root) {
            Files.setAttribute(path, "unix:uid", UNPRIVILEGED);
            Files.setAttribute(path, "unix:gid", UNPRIVILEGED);
        }
    }

    private String permissionHint() {
        return root ? " (it runs as uid " + UNPRIVILEGED + ", which must be able to reach " + baseDir + " and "
                + binDir + ": every directory above them must be searchable by others)" : "";
    }

    private String logSince(long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(serverLog);
        int from = (int) Math.min(offset, bytes.length);
        return new String(bytes, from, bytes.length - from, StandardCharsets.ISO_8859_1);
    }

    /** True if every directory from the root down to {@code dir} lets others through. */
    private static boolean searchableByOthers(Path dir) throws IOException {
        for (Path path = dir.toRealPath(); path != null; path = path.getParent()) {
            if (!Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static boolean await(Process process, Duration timeout) throws InterruptedIOException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + process);
        }
    }

    private static void sleep(Duration duration) throws InterruptedIOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the PostgreSQL server");
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }

    /** What {@link #locked} runs. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}
