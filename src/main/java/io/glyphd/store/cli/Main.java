package io.glyphd.store.cli;

import io.glyphd.store.InvalidListingException;
import io.glyphd.store.StoreException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs the {@code glyphd-store} command line: {@code java -jar glyphd-store-VERSION-cli.jar COMMAND ...}.
 * Results go to stdout, messages and errors to stderr; the exit status is 0 on success, 1 for a data or storage
 * error and 2 for a usage error.
 */
public final class Main {
    static final int DATA_ERROR = 1;
    static final int USAGE_ERROR = 2;

    private Main() {
    }

    /**
     * Runs a command and exits with its status.
     *
     * @param args the command line
     */
    @SuppressWarnings("checkstyle:RegexpSinglelineJava")
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out,
                StandardCharsets.UTF_8)));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        CliEnvironment environment = new CliEnvironment(System.getenv(), stderrIsTerminal());
        prepareProcess(environment);
        int status;
        try {
            status = run(args, environment, out, err, true);
        } finally {
            out.flush();
            err.flush();
        }
        System.exit(status);
    }

    /**
     * What a real run of the tool does first, before anything loads sqlite-jdbc or logs: SLF4J is bound to
     * {@link CliLogging} (unless the user named a provider) and the native library comes from the cache.
     */
    static void prepareProcess(CliEnvironment environment) {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", CliLogging.class.getName());
            // Else SLF4J says on stderr, at its INFO, that it loads the provider named.
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
        // sqlite-jdbc's native library comes from the cache, not a new temp copy per process.
        NativeLibraryCache.use(environment.variables());
    }

    /**
     * Returns whether stderr is a terminal, where progress may be shown. {@code System.console()} cannot tell (it
     * looks at stdin and stdout), so: the launcher's {@code -Dglyphd.stderr.terminal}, else, on Linux, where
     * {@code /proc/self/fd/2} points, else {@code System.console()} as the best guess.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty("glyphd.stderr.terminal");
        if (told != null && !told.isBlank()) {
            return Boolean.parseBoolean(told.strip());
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /**
     * Runs a command line and returns its exit status.
     *
     * @param configureLogging whether to set the CLI logging from the command line's {@code --verbose}; only the
     *        real program does, as the logging level is one per JVM
     */
    static int run(String[] args, CliEnvironment environment, PrintWriter out, PrintWriter err,
            boolean configureLogging) {
        GlyphdStoreCommand root = new GlyphdStoreCommand(environment);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(Main::usageError);
        commandLine.setExecutionExceptionHandler((e, command, parseResult) -> failure(e, command, root));
        commandLine.setExecutionStrategy(parseResult -> {
            if (configureLogging) {
                configureLogging(root.verbose.length, root.quiet);
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine.execute(args);
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getOut().flush();
        PrintWriter err = command.getErr();
        err.println("glyphd-store: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE_ERROR;
    }

    private static int failure(Exception e, CommandLine command, GlyphdStoreCommand root) {
        if (e instanceof ParameterException usage) {
            return usageError(usage, new String[0]);
        }
        command.getOut().flush();
        PrintWriter err = command.getErr();
        boolean expected = e instanceof CommandFailure || e instanceof StoreException
                || e instanceof IllegalArgumentException;
        if (expected) {
            // Messages quote cells and names from input files, which may hold terminal escapes.
            err.println("glyphd-store: " + TerminalText.escapeKeepingLines(e.getMessage()));
            if (e instanceof InvalidListingException) {
                err.println("Nothing was imported.");
            }
        } else {
            err.println("glyphd-store: unexpected error: " + TerminalText.escapeKeepingLines(e.toString()));
        }
        if (root.verbose.length > 0) {
            LoggerFactory.getLogger(Main.class).error("Failed", e);
        } else if (!expected || e.getCause() != null && !(e instanceof InvalidListingException)) {
            err.println("Run again with --verbose for details.");
        }
        err.flush();
        return DATA_ERROR;
    }

    /**
     * Sets how much the CLI's logging ({@link CliLogging}) shows: warnings, INFO/DEBUG with {@code -v}/{@code -vv},
     * or errors only with {@code -q} (no warnings) unless {@code -v} is given too.
     */
    private static void configureLogging(int verbosity, boolean quiet) {
        System.setProperty(CliLogging.LEVEL_PROPERTY, verbosity >= 2 ? "DEBUG" : verbosity == 1 ? "INFO"
                : quiet ? "ERROR" : "WARN");
    }
}
