package io.glyphd.store.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top command: options every subcommand shares, and the list of subcommands. */
// INHERIT gives every subcommand -h/--help (and -V/--version) too.
@Command(name = "glyphd-store", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = GlyphdStoreCommand.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Imports, queries and inspects a glyphd-store database of scored GPU listings.",
        footer = {"", "Exit status: 0 ok, 1 data or storage error, 2 usage error.",
            "Start with: glyphd-store demo"},
        subcommands = {ImportCommand.class, QueryCommand.class, ImportsCommand.class, ShowImportCommand.class,
            DeleteImportCommand.class, CheckCommand.class, DemoCommand.class, HistoryCommand.class,
            DiffCommand.class, StatsCommand.class, CopyCommand.class, BackupCommand.class, PruneCommand.class,
            CompactCommand.class, MigrateCommand.class, HelpCommand.class})
final class GlyphdStoreCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", paramLabel = "PATH|URL", scope = ScopeType.INHERIT,
            description = "The store: a SQLite file, or a PostgreSQL database as"
                    + " jdbc:postgresql://HOST:PORT/DATABASE?user=NAME, with &schema=NAME for a schema other than"
                    + " public, and never a password (see --password-file). Default: $"
                    + CliEnvironment.DB_URL_VARIABLE + ", else $" + CliEnvironment.DB_PATH_VARIABLE + ", else "
                    + CliEnvironment.DEFAULT_DB + " in the current directory.")
    String db;

    @Option(names = "--password-file", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "A file holding the PostgreSQL password on one line (default: $"
                    + CliEnvironment.DB_PASSWORD_VARIABLE + ", else $" + CliEnvironment.PGPASSWORD_VARIABLE
                    + ", else the driver's $PGPASSFILE or ~/.pgpass).")
    Path passwordFile;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Show no progress and no warnings.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log what the store does (-vv for debug detail).")
    boolean[] verbose = new boolean[0];

    final CliEnvironment environment;

    GlyphdStoreCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }

    /**
     * Returns the store: {@code --db}, else {@code $GLYPHD_DB_URL}, else {@code $GLYPHD_DB_PATH} (each a path or a
     * URL), else {@code ./glyphd-store.sqlite3}.
     *
     * @throws IllegalArgumentException if the value chosen is not a usable path or URL; see {@link StoreLocation}
     */
    StoreLocation location() {
        return location(CliEnvironment.DEFAULT_DB);
    }

    /**
     * Returns the store as {@link #location()} does, with {@code fallback} in the current directory when neither
     * {@code --db} nor the environment names one.
     */
    StoreLocation location(String fallback) {
        if (db != null) {
            return location(db, "--db");
        }
        for (String variable : List.of(CliEnvironment.DB_URL_VARIABLE, CliEnvironment.DB_PATH_VARIABLE)) {
            String value = environment.variables().get(variable);
            if (value != null && !value.isBlank()) {
                return location(value, "$" + variable);
            }
        }
        return location(fallback, "the default database");
    }

    /**
     * Returns the store {@code value} names, with the password options of this command line.
     *
     * @param origin where the value came from, for messages, e.g. {@code --from}
     * @throws IllegalArgumentException if {@code value} is not a usable path or URL; see {@link StoreLocation}
     */
    StoreLocation location(String value, String origin) {
        return StoreLocation.parse(value, origin, environment, passwordFile);
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = GlyphdStoreCommand.class.getPackage().getImplementationVersion();
            return new String[] {"glyphd-store " + (version == null ? "(development build)" : version)};
        }
    }
}
