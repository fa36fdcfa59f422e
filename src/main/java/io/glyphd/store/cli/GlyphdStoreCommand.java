package io.glyphd.store.cli;

import java.nio.file.Path;
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
            DiffCommand.class, StatsCommand.class, HelpCommand.class})
final class GlyphdStoreCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "Database file (default: $" + CliEnvironment.DB_PATH_VARIABLE + " if set, else "
                    + CliEnvironment.DEFAULT_DB + " in the current directory).")
    Path db;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Show no progress.")
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

    /** Returns the database file: {@code --db}, else {@code $GLYPHD_DB_PATH}, else {@code ./glyphd-store.sqlite3}. */
    Path dbPath() {
        if (db != null) {
            return db;
        }
        String fromEnvironment = environment.variables().get(CliEnvironment.DB_PATH_VARIABLE);
        return Path.of(fromEnvironment == null || fromEnvironment.isBlank() ? CliEnvironment.DEFAULT_DB
                : fromEnvironment);
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
