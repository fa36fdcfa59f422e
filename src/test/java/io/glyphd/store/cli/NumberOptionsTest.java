package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile numbers in filter options are usage errors (exit 2) naming the option, refused before any parse. */
class NumberOptionsTest {
    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = new CliEnvironment(Map.of(CliEnvironment.DB_PATH_VARIABLE,
                dir.resolve("store.sqlite3").toString()), false);
        int status = Main.run(args, environment, new PrintWriter(out), new PrintWriter(err), false);
        return new String[] {String.valueOf(status), err.toString()};
    }

    @Test
    @Timeout(10)
    void hugeExponentsAreUsageErrorsAtOnce() {
        assertThat(run("query", "--min-price", "1e99999999")).containsExactly("2",
                "glyphd-store: Invalid query: minPrice must be at most 1000000000000000, was 1E+99999999\n"
                        + "Try 'glyphd-store query --help' for more information.\n");
        assertThat(run("query", "--max-price", "1e999999999")[1])
                .startsWith("glyphd-store: Invalid query: maxPrice must be at most 1000000000000000, was 1E+999999999");
        assertThat(run("query", "--min-price", "1e-999999999")[1])
                .startsWith("glyphd-store: Invalid query: minPrice must have at most 18 decimal places,"
                        + " was 1E-999999999");
        assertThat(run("stats", "--max-price", "-1e99999999")[1])
                .startsWith("glyphd-store: Invalid filters: maxPrice must be >= 0, was -1E+99999999");
        assertThat(run("query", "--min-score", "1e99999999")[1])
                .startsWith("glyphd-store: Invalid query: minScore must be a finite number, was Infinity");
    }

    @Test
    @Timeout(10)
    void longNumbersAreRefusedBeforeTheyAreParsedWithAShortMessage() {
        String digits = "9".repeat(100_000);

        String[] price = run("query", "--min-price", digits);
        String[] score = run("query", "--max-score", digits);

        assertThat(price[0]).isEqualTo("2");
        assertThat(price[1]).startsWith("glyphd-store: Invalid value for option '--min-price': '" + "9".repeat(40)
                + "…' (100000 characters) is too long for a number; at most 40").hasSizeLessThan(300);
        assertThat(score[0]).isEqualTo("2");
        assertThat(score[1]).contains("'--max-score'").contains("(100000 characters)").hasSizeLessThan(300);
        assertThat(run("query", "--max-price", "12abc")[1]).contains("'12abc' is not a number");
    }

    @Test
    void pricesWithinTheBoundsStillWork() {
        assertThat(run("query", "--min-price", "0.0000001", "--max-price", "1000000000000000")[1])
                .doesNotContain("Invalid");
    }
}
