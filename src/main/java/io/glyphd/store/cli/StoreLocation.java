package io.glyphd.store.cli;

import io.glyphd.store.ListingStore;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.postgres.PostgresListingStore;
import io.glyphd.store.sqlite.SqliteListingStore;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a command's store is, as {@code --db}, {@code --from}, {@code --to}, {@code $GLYPHD_DB_URL} or
 * {@code $GLYPHD_DB_PATH} name it: a SQLite file by its path, or a PostgreSQL database by a JDBC URL
 * ({@code jdbc:postgresql://HOST:PORT/DATABASE?user=NAME}, with {@code schema=NAME} choosing the store's PostgreSQL
 * schema, default {@code public}). The one place such a value is read and a store is opened from it.
 *
 * <p>A PostgreSQL password never comes from the command line: a URL with {@code password=} (or any other
 * {@code ...password=}) or with {@code NAME:PASSWORD@} user information is refused. The password is read when the
 * store is opened from {@code --password-file}, else {@code $GLYPHD_DB_PASSWORD}, else {@code $PGPASSWORD}; with
 * none of them the driver looks in {@code $PGPASSFILE} or {@code ~/.pgpass}. It is never printed or logged.
 */
sealed interface StoreLocation permits StoreLocation.SqliteFile, StoreLocation.Postgres {
    /** What a command does with its store, which decides how it is opened. */
    enum Use {
        /** Writes, creating the store (a SQLite file, or the PostgreSQL schema's tables) if there is none. */
        CREATE,
        /** Writes to an existing SQLite file; on PostgreSQL, as {@link #CREATE}. */
        CHANGE,
        /**
         * Reads an existing store and writes nothing at all, not even to upgrade it: a missing file or schema is an
         * error, not a new empty store, and a store of an older release is refused with a message that names
         * {@link #MIGRATE_COMMAND}.
         */
        READ_ONLY
    }

    /** The command that upgrades a store of an older release, which read commands refuse to do. */
    String MIGRATE_COMMAND = "glyphd-store migrate";

    /** The prefix of the JDBC URLs taken as PostgreSQL. */
    String POSTGRES_PREFIX = "jdbc:postgresql:";
    /** A URL of any scheme, e.g. libpq's {@code postgresql://}, which is not a file path either. */
    Pattern OTHER_URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

    /**
     * Reads a location.
     *
     * @param value a file path or a {@code jdbc:postgresql:} URL
     * @param origin where {@code value} came from, for messages: {@code --db}, {@code $GLYPHD_DB_URL}, ...
     * @param environment the variables a password may come from
     * @param passwordFile the file {@code --password-file} named, or null
     * @throws IllegalArgumentException if {@code value} is empty, another kind of URL, or a PostgreSQL URL that
     *         carries a password, chooses the schema twice or badly, or that the driver cannot read; the message
     *         never repeats the value
     */
    static StoreLocation parse(String value, String origin, CliEnvironment environment, Path passwordFile) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(origin + " must not be empty");
        }
        if (value.startsWith(POSTGRES_PREFIX)) {
            return Postgres.parse(value, origin, environment, passwordFile);
        }
        // The value is not echoed: a URL of another kind may hold a password.
        if (value.regionMatches(true, 0, "jdbc:", 0, 5) || OTHER_URL.matcher(value).find()) {
            throw new IllegalArgumentException(origin + " names a URL that is not a " + POSTGRES_PREFIX
                    + " URL; a PostgreSQL store is named jdbc:postgresql://HOST:PORT/DATABASE?user=NAME, a SQLite"
                    + " store by its file path");
        }
        try {
            return new SqliteFile(Path.of(value), origin);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(origin + " is not a valid file path: " + e.getReason());
        }
    }

    /**
     * How a command that writes waits for the writers ahead of it on a SQLite file: at most {@code lockWait} in all,
     * and {@code onWait} hears once when it starts to wait (see {@link SqliteListingStore.Builder#lockWait} and
     * {@link SqliteListingStore.Builder#onLockWait}). A PostgreSQL store does not queue its writers this way.
     */
    record Writers(Duration lockWait, Consumer<String> onWait) {
        /** The library's own: its default lock wait, told to nobody. */
        static final Writers DEFAULT = new Writers(SqliteListingStore.DEFAULT_LOCK_WAIT, who -> { });
    }

    /**
     * Opens the store; writers wait as {@link Writers#DEFAULT} says.
     *
     * @throws CommandFailure if the store must exist and there is no SQLite file, or the password file cannot be
     *         read
     * @throws io.glyphd.store.StoreException if the store cannot be opened
     */
    default ListingStore open(Use use) {
        return open(use, Writers.DEFAULT);
    }

    /**
     * Opens the store; a write to a SQLite file waits for other writers as {@code writers} says.
     *
     * @throws CommandFailure if the store must exist and there is no SQLite file, or the password file cannot be
     *         read
     * @throws io.glyphd.store.StoreException if the store cannot be opened
     */
    ListingStore open(Use use, Writers writers);

    /**
     * Returns the failure of a read command on a store of an older release, naming the command that upgrades it, or
     * {@code e} itself if it means something else (a newer or foreign store).
     */
    static RuntimeException olderSchema(SchemaVersionException e, StoreLocation location) {
        if (e.found() < 1 || e.found() >= e.supported()) {
            return e;
        }
        return new CommandFailure(location + " is a store of an older release (schema version " + e.found()
                + "; this build reads version " + e.supported() + "). Read commands never write, so it was left as it"
                + " was; run '" + MIGRATE_COMMAND + "' (with the same --db) once to upgrade it in place, after which"
                + " older releases cannot open it", e);
    }

    /** Returns true if this location and {@code other} name the same store, as far as can be told. */
    boolean sameStore(StoreLocation other);

    /** Returns the location as messages show it: the file's path, or the URL without its parameters and the schema. */
    @Override
    String toString();

    /** A SQLite database file. */
    final class SqliteFile implements StoreLocation {
        private final Path path;
        private final String origin;

        SqliteFile(Path path, String origin) {
            this.path = path;
            this.origin = origin;
        }

        Path path() {
            return path;
        }

        @Override
        public ListingStore open(Use use, Writers writers) {
            if (use != Use.CREATE && (!Files.exists(path) || use == Use.READ_ONLY && isEmptyFile())) {
                throw new CommandFailure("No database at " + path + (Files.exists(path) ? " (the file is empty)" : "")
                        + (origin.startsWith("--") && !origin.equals("--db") ? " (" + origin + ")"
                        : "; import a file first, or name another with --db (a file or a jdbc:postgresql: URL), $"
                        + CliEnvironment.DB_URL_VARIABLE + " or $" + CliEnvironment.DB_PATH_VARIABLE));
            }
            if (use != Use.READ_ONLY) {
                return SqliteListingStore.builder(path).lockWait(writers.lockWait()).onLockWait(writers.onWait())
                        .build();
            }
            try {
                return SqliteListingStore.openReadOnly(path);
            } catch (SchemaVersionException e) {
                throw StoreLocation.olderSchema(e, this);
            }
        }

        private boolean isEmptyFile() {
            try {
                return Files.isRegularFile(path) && Files.size(path) == 0;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public boolean sameStore(StoreLocation other) {
            if (!(other instanceof SqliteFile file)) {
                return false;
            }
            try {
                if (Files.exists(path) && Files.exists(file.path)) {
                    return Files.isSameFile(path, file.path);
                }
            } catch (IOException e) {
                // Then compare the paths as written.
            }
            return path.toAbsolutePath().normalize().equals(file.path.toAbsolutePath().normalize());
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** A PostgreSQL database and the schema the store's tables are in. */
    final class Postgres implements StoreLocation {
        private static final Logger LOG = LoggerFactory.getLogger(StoreLocation.class);
        private static final String SCHEMA_PARAMETER = "schema";
        private static final String APPLICATION_NAME = "glyphd-store";

        private final String url;
        private final String schema;
        private final String display;
        private final boolean namesApplication;
        private final CliEnvironment environment;
        private final Path passwordFile;

        private Postgres(String url, String schema, boolean namesApplication, CliEnvironment environment,
                Path passwordFile) {
            this.url = url;
            this.schema = schema;
            int query = url.indexOf('?');
            this.display = (query < 0 ? url : url.substring(0, query)) + " (schema " + schema + ")";
            this.namesApplication = namesApplication;
            this.environment = environment;
            this.passwordFile = passwordFile;
        }

        static Postgres parse(String value, String origin, CliEnvironment environment, Path passwordFile) {
            int query = value.indexOf('?');
            String base = query < 0 ? value : value.substring(0, query);
            String afterScheme = base.substring(POSTGRES_PREFIX.length());
            if (afterScheme.startsWith("//")) {
                String hosts = afterScheme.substring(2);
                int slash = hosts.indexOf('/');
                if ((slash < 0 ? hosts : hosts.substring(0, slash)).contains("@")) {
                    throw passwordRefused(origin, "user information (NAME:PASSWORD@HOST)",
                            "name the user with ?user=NAME instead");
                }
            }
            List<String> kept = new ArrayList<>();
            String schema = null;
            boolean namesApplication = false;
            for (String parameter : query < 0 ? new String[0] : value.substring(query + 1).split("&")) {
                if (parameter.isEmpty()) {
                    continue;
                }
                int equals = parameter.indexOf('=');
                String key = decode(equals < 0 ? parameter : parameter.substring(0, equals), origin);
                String lower = key.toLowerCase(Locale.ROOT);
                if (lower.contains("password")) {
                    throw passwordRefused(origin, key + "=", "remove it");
                }
                if (key.equals(SCHEMA_PARAMETER)) {
                    if (schema != null) {
                        throw new IllegalArgumentException(origin + ": the PostgreSQL URL gives schema= twice");
                    }
                    schema = equals < 0 ? "" : decode(parameter.substring(equals + 1), origin);
                    continue;
                }
                if (lower.equals("currentschema")) {
                    throw new IllegalArgumentException(origin + ": the PostgreSQL URL gives currentSchema=, which does"
                            + " not choose where the store's tables are; use schema=NAME (default: "
                            + PostgresListingStore.DEFAULT_SCHEMA + ")");
                }
                namesApplication |= lower.equals("applicationname");
                kept.add(parameter);
            }
            String url = base + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
            PGSimpleDataSource check = new PGSimpleDataSource();
            try {
                check.setURL(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": the PostgreSQL JDBC driver cannot read this URL; write"
                        + " it as jdbc:postgresql://HOST:PORT/DATABASE?user=NAME");
            }
            String chosen = schema == null ? PostgresListingStore.DEFAULT_SCHEMA : schema;
            try {
                PostgresListingStore.builder(check).schema(chosen);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": the PostgreSQL URL's schema= is not usable: "
                        + e.getMessage());
            }
            return new Postgres(url, chosen, namesApplication, environment, passwordFile);
        }

        private static IllegalArgumentException passwordRefused(String origin, String what, String fix) {
            return new IllegalArgumentException(origin + ": the PostgreSQL URL holds " + what + "; a password"
                    + " must never be part of it, as other users see the command line and the shell keeps it in its"
                    + " history: " + fix + ", and give the password in $" + CliEnvironment.PGPASSWORD_VARIABLE
                    + " or $" + CliEnvironment.DB_PASSWORD_VARIABLE + ", or in a file named by --password-file PATH");
        }

        private static String decode(String text, String origin) {
            try {
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(origin + ": the PostgreSQL URL has a badly %-encoded parameter");
            }
        }

        String schema() {
            return schema;
        }

        @Override
        public ListingStore open(Use use, Writers writers) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setURL(url);
            if (!namesApplication) {
                dataSource.setApplicationName(APPLICATION_NAME);
            }
            String password = password();
            if (password != null) {
                dataSource.setPassword(password);
            }
            try {
                return PostgresListingStore.builder(dataSource).schema(schema).readOnly(use == Use.READ_ONLY).build();
            } catch (SchemaVersionException e) {
                throw StoreLocation.olderSchema(e, this);
            }
        }

        /** Returns the password: --password-file, else $GLYPHD_DB_PASSWORD, else $PGPASSWORD, else null. */
        private String password() {
            if (passwordFile != null) {
                LOG.debug("{}: password from the file {}", display, passwordFile);
                return readPasswordFile(passwordFile);
            }
            Map<String, String> variables = environment.variables();
            for (String variable : List.of(CliEnvironment.DB_PASSWORD_VARIABLE, CliEnvironment.PGPASSWORD_VARIABLE)) {
                String password = variables.get(variable);
                if (password != null && !password.isEmpty()) {
                    LOG.debug("{}: password from ${}", display, variable);
                    return password;
                }
            }
            LOG.debug("{}: no password given; the driver looks in $PGPASSFILE or ~/.pgpass", display);
            return null;
        }

        /** Returns the file's one line, without its line end. */
        private static String readPasswordFile(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CommandFailure("Cannot read the password file " + file + ": no such file");
            } catch (AccessDeniedException e) {
                throw new CommandFailure("Cannot read the password file " + file + ": permission denied");
            } catch (CharacterCodingException e) {
                throw new CommandFailure("Cannot read the password file " + file + ": it is not UTF-8 text");
            } catch (IOException e) {
                throw new CommandFailure("Cannot read the password file " + file + ": " + e.getMessage());
            }
            String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (password.isEmpty()) {
                throw new CommandFailure("The password file " + file + " is empty");
            }
            if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
                throw new CommandFailure("The password file " + file + " holds more than one line; put only the"
                        + " password in it");
            }
            return password;
        }

        @Override
        public boolean sameStore(StoreLocation other) {
            return other instanceof Postgres postgres && display.equals(postgres.display);
        }

        @Override
        public String toString() {
            return display;
        }
    }
}
