package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The CLI's own SLF4J binding: levels from the properties {@link Main} sets, lines on stderr. Tested on an
 * instance made here; the test JVM itself logs through logback.
 */
@SuppressWarnings("checkstyle:RegexpSinglelineJava") // the binding writes to System.err, which the tests capture
class CliLoggingTest {
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        System.setErr(stderr);
        System.clearProperty(CliLogging.LEVEL_PROPERTY);
        System.clearProperty(CliLogging.ROOT_LEVEL_PROPERTY);
    }

    /** Logs one message at each level to an {@code io.glyphd} and a foreign logger; returns what stderr got. */
    private String logEverything() {
        CliLogging logging = new CliLogging();
        logging.initialize();
        Logger ours = logging.getLoggerFactory().getLogger("io.glyphd.store.sqlite.SqliteListingStore");
        Logger foreign = logging.getLoggerFactory().getLogger("org.postgresql.Driver");
        captured.reset();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (Logger logger : new Logger[] {ours, foreign}) {
                String who = logger == ours ? "ours" : "foreign";
                logger.error("{} error", who);
                logger.warn("{} warn {}", who, 2);
                logger.info("{} info", who);
                logger.debug("{} debug", who);
                logger.trace("{} trace", who);
            }
        } finally {
            System.setErr(stderr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void warningsAndErrorsOnlyByDefault() {
        assertThat(logEverything()).isEqualTo("ERROR: ours error\nWARN: ours warn 2\n"
                + "ERROR: foreign error\nWARN: foreign warn 2\n");
    }

    @Test
    void verboseLevelsApplyToGlyphdStoreLoggersOnlyAndAreReadWhenTheyAreSet() {
        System.setProperty(CliLogging.LEVEL_PROPERTY, "DEBUG");

        assertThat(logEverything()).isEqualTo("ERROR: ours error\nWARN: ours warn 2\nINFO: ours info\n"
                + "DEBUG: ours debug\nERROR: foreign error\nWARN: foreign warn 2\n");

        System.setProperty(CliLogging.LEVEL_PROPERTY, "info");
        assertThat(logEverything()).contains("INFO: ours info").doesNotContain("DEBUG");
    }

    @Test
    void errorLevelsSilenceWarningsOfEachSide() {
        System.setProperty(CliLogging.LEVEL_PROPERTY, "ERROR");
        assertThat(logEverything()).isEqualTo("ERROR: ours error\nERROR: foreign error\nWARN: foreign warn 2\n");

        System.setProperty(CliLogging.ROOT_LEVEL_PROPERTY, "ERROR");
        assertThat(logEverything()).isEqualTo("ERROR: ours error\nERROR: foreign error\n");
    }

    @Test
    void anExceptionIsPrintedWithItsStackTraceAndAnUnknownLevelMeansWarn() {
        System.setProperty(CliLogging.LEVEL_PROPERTY, "LOUD");
        CliLogging logging = new CliLogging();
        Logger logger = logging.getLoggerFactory().getLogger("io.glyphd.store.cli.Main");
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            logger.error("Failed", new IllegalStateException("boom"));
            logger.info("not shown");
        } finally {
            System.setErr(stderr);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8)).startsWith("ERROR: Failed\n"
                + "java.lang.IllegalStateException: boom\n\tat ").doesNotContain("not shown");
        assertThat(logger.isEnabledForLevel(Level.WARN)).isTrue();
        assertThat(logger.isInfoEnabled()).isFalse();
    }
}
