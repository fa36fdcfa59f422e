package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the README's tour: every shell block that follows a {@value #MARK} line, command by command, in process,
 * on the files of {@code examples/}, and compares what each command prints (stdout and stderr as a terminal shows
 * them, in order) and its exit status with what the README shows. Durations, times, new UUIDs and runs of spaces
 * are normalised; counts, rows, ids and messages are compared exactly. {@code -Dglyphd.tour.print=true} prints the
 * replayed blocks, to paste into the README after a change.
 */
class ReadmeTourTest {
    static final String MARK = "<!-- tour: ReadmeTourTest replays this block -->";
    private static final String PROMPT = "$ ";
    private static final String PROGRAM = "./glyphd-store";
    private static final Pattern STATUS = Pattern.compile("exit status (\\d+)");
    private static final Pattern DURATION = Pattern.compile("\\b\\d+(\\.\\d+)? (ms|s)\\b");
    private static final Pattern INSTANT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    private static final Pattern SPACES = Pattern.compile(" {2,}");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @TempDir
    Path dir;

    /** One command of the tour and what the README shows it print. */
    record Step(String command, List<String> shown) {
    }

    @Test
    @SuppressWarnings("checkstyle:RegexpSinglelineJava")
    void theTourPrintsWhatTheReadmeShows() throws IOException {
        List<List<Step>> blocks = blocks(Files.readString(Path.of("README.md")));
        assertThat(blocks).as("README.md has tour blocks").hasSizeGreaterThanOrEqualTo(2);
        Map<String, String> variables = new HashMap<>();
        List<String> replayed = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        for (List<Step> block : blocks) {
            replayed.add("```");
            for (Step step : block) {
                replayed.add(PROMPT + step.command());
                String output = replay(step.command(), variables);
                replayed.addAll(output.lines().toList());
                replayed.add("");
                if (!normalise(output.lines().toList()).equals(normalise(step.shown()))) {
                    mismatches.add("$ " + step.command() + "\n--- README shows:\n" + String.join("\n", step.shown())
                            + "\n--- replay prints:\n" + output);
                }
            }
            replayed.add("```");
        }
        if (Boolean.getBoolean("glyphd.tour.print")) {
            System.out.println(String.join("\n", replayed));
        }
        assertThat(mismatches).as("commands of the README tour whose output differs from the README").isEmpty();
        assertThat(blocks.stream().mapToInt(List::size).sum()).isGreaterThanOrEqualTo(10);
    }

    /** Runs one command line of the tour and returns what it printed, with its exit status checked. */
    private String replay(String command, Map<String, String> variables) {
        List<String> words = words(command);
        if (words.get(0).equals("export")) {
            String[] assignment = words.get(1).split("=", 2);
            String value = assignment[0].equals(CliEnvironment.DB_PATH_VARIABLE)
                    ? dir.resolve(assignment[1]).toString() : assignment[1];
            variables.put(assignment[0], value);
            return "";
        }
        assertThat(words.get(0)).as(command).isEqualTo(PROGRAM);
        Matcher status = STATUS.matcher(comment(command));
        int expected = status.find() ? Integer.parseInt(status.group(1)) : 0;
        StringWriter printed = new StringWriter();
        // One writer for both, as a terminal shows them: the CLI flushes stdout before it writes to stderr.
        int actual = Main.run(words.subList(1, words.size()).toArray(new String[0]),
                new CliEnvironment(variables, false), new PrintWriter(printed), new PrintWriter(printed), false);
        String output = printed.toString().replace(dir.toString() + "/", "");
        assertThat(actual).as("exit status of " + command + "\n" + output).isEqualTo(expected);
        return output;
    }

    private static List<String> normalise(List<String> lines) {
        List<String> normal = new ArrayList<>();
        for (String line : lines) {
            String text = INSTANT.matcher(line).replaceAll("<time>");
            text = DURATION.matcher(text).replaceAll("<duration>");
            text = UUID.matcher(text).replaceAll("<uuid>");
            normal.add(SPACES.matcher(text).replaceAll(" ").stripTrailing());
        }
        while (!normal.isEmpty() && normal.get(normal.size() - 1).isEmpty()) {
            normal.remove(normal.size() - 1);
        }
        return normal;
    }

    /** Returns the tour's blocks: the commands of each block after a {@link #MARK} line, with what follows each. */
    static List<List<Step>> blocks(String readme) {
        List<List<Step>> blocks = new ArrayList<>();
        List<String> lines = readme.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(MARK)) {
                continue;
            }
            assertThat(lines.get(i + 1)).as("the line after the tour mark opens a block").isEqualTo("```");
            List<Step> block = new ArrayList<>();
            int line = i + 2;
            while (!lines.get(line).equals("```")) {
                String command = lines.get(line);
                assertThat(command).as("README.md line " + (line + 1) + " is a command").startsWith(PROMPT);
                List<String> shown = new ArrayList<>();
                line++;
                while (!lines.get(line).startsWith(PROMPT) && !lines.get(line).equals("```")) {
                    shown.add(lines.get(line));
                    line++;
                }
                block.add(new Step(command.substring(PROMPT.length()), shown));
            }
            blocks.add(block);
            i = line;
        }
        return blocks;
    }

    /** Splits a command line as a POSIX shell would, for what the tour uses: words, '...' and "...", # comments. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (c == ' ') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                word = word == null ? new StringBuilder().append(c) : word.append(c);
            }
        }
        assertThat((int) quote).as("quotes are balanced in " + command).isZero();
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** Returns the comment of a command line ({@code # ...}), or "". */
    private static String comment(String command) {
        List<String> words = words(command);
        int at = command.indexOf(" #", command.indexOf(words.get(words.size() - 1)));
        return at < 0 ? "" : command.substring(at);
    }
}
