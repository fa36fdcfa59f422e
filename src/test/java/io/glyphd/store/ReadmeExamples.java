package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks that README.md shows the code a test runs: the test marks its example with the comment lines
 * {@code // README-<NAME>-BEGIN} and {@code // README-<NAME>-END}, and the lines between them, less their common
 * indentation, must appear in a {@code ```java} block of README.md.
 */
public final class ReadmeExamples {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

    private ReadmeExamples() {
    }

    /** Returns the example {@code name} of the test source {@code source} (a path from the project's root). */
    public static String example(String source, String name) throws IOException {
        String text = Files.readString(Path.of(source));
        String begin = "// README-" + name + "-BEGIN\n";
        int start = text.indexOf(begin);
        int end = text.indexOf("// README-" + name + "-END");
        assertThat(start).as("%s marks example %s", source, name).isNotNegative();
        assertThat(end).as("%s ends example %s", source, name).isGreaterThan(start);
        String example = text.substring(start + begin.length(), text.lastIndexOf('\n', end) + 1);
        int indent = example.lines().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return example.lines().map(line -> line.isBlank() ? "" : line.substring(indent))
                .collect(Collectors.joining("\n"));
    }

    /** Asserts that a {@code ```java} block of README.md holds {@code code}. */
    public static void assertReadmeShows(String code) throws IOException {
        Matcher block = JAVA_BLOCK.matcher(Files.readString(Path.of("README.md")));
        boolean shown = false;
        while (block.find()) {
            shown |= block.group(1).contains(code);
        }
        assertThat(shown).as("a ```java block of README.md holds:%n%s", code).isTrue();
    }
}
