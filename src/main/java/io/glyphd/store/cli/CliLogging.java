package io.glyphd.store.cli;

import java.io.PrintStream;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The command line's SLF4J binding: {@code LEVEL: message} lines on stderr (with the stack trace of an exception).
 * glyphd-store's own loggers ({@code io.glyphd.*}) log at the level in the system property
 * {@value #LEVEL_PROPERTY}, every other logger at {@value #ROOT_LEVEL_PROPERTY}, both WARN by default; {@link Main}
 * sets them from {@code -v}/{@code -vv} (the same properties the CLI's logback configuration read before). A real run
 * selects this binding with {@code -Dslf4j.provider} ({@link Main#prepareProcess}), so neither the library jar nor
 * the tests carry a binding of the CLI's. It starts in microseconds, where logback took a good part of a short
 * command's start.
 */
public final class CliLogging implements SLF4JServiceProvider {
    /** The level of glyphd-store's own loggers: ERROR, WARN, INFO, DEBUG or TRACE; WARN if unset or unknown. */
    static final String LEVEL_PROPERTY = "glyphd.log.level";
    /** The level of every other logger, as {@link #LEVEL_PROPERTY}. */
    static final String ROOT_LEVEL_PROPERTY = "glyphd.log.root";

    private final ILoggerFactory loggers = CliLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Creates the provider; SLF4J does, once. */
    public CliLogging() {
    }

    /** Returns the level a property names, WARN if it names none; read on each call, as Main sets it late. */
    private static Level threshold(String property) {
        String name = System.getProperty(property);
        if (name != null) {
            for (Level level : Level.values()) {
                if (level.name().equalsIgnoreCase(name.strip())) {
                    return level;
                }
            }
        }
        return Level.WARN;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    /** A logger writing to the stderr of the moment. */
    private static final class CliLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final boolean ours;

        CliLogger(String name) {
            this.name = name;
            this.ours = name.equals("io.glyphd") || name.startsWith("io.glyphd.");
        }

        private boolean enabled(Level level) {
            // SLF4J's levels are numbered from ERROR (40) down to TRACE (0).
            return level.toInt() >= threshold(ours ? LEVEL_PROPERTY : ROOT_LEVEL_PROPERTY).toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        @SuppressWarnings("checkstyle:RegexpSinglelineJava")
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            PrintStream err = System.err;
            synchronized (err) {
                err.println(level + ": " + message);
                if (throwable != null) {
                    throwable.printStackTrace(err);
                }
            }
        }
    }
}
