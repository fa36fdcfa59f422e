package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The files of the README tour, {@code examples/}, are what examples/README.md says they are: derived by the rules
 * below from the real pipeline file {@code src/test/resources/data/wamatek_scored.csv}, byte for byte. Run with
 * {@code -Dglyphd.examples.write=true} to write them after changing a rule.
 */
class ExampleFilesTest {
    static final Path EXAMPLES = Path.of("examples");
    private static final String CRLF = "\r\n";
    private static final int PRICE = 2;
    private static final int SOURCE_URL = 7;
    private static final int CANONICAL_MODEL = 11;
    /** Rows of each offer kept in July: the file's first two sightings of it. */
    private static final int ROWS_PER_OFFER = 2;
    /** Offers whose price August raises: every 50th, from the 4th (by first sighting). */
    private static final int CHANGE_EVERY = 50;
    private static final int CHANGE_FROM = 3;
    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

    @Test
    void theTourFilesAreDerivedFromTheRealFileByTheirRules() throws IOException {
        Map<String, String> derived = derive();
        boolean write = Boolean.getBoolean("glyphd.examples.write");
        for (Map.Entry<String, String> file : derived.entrySet()) {
            Path path = EXAMPLES.resolve(file.getKey());
            byte[] expected = file.getValue().getBytes(StandardCharsets.UTF_8);
            if (write) {
                Files.write(path, expected);
            }
            assertThat(Files.readAllBytes(path)).as(path + " as its rule derives it").isEqualTo(expected);
        }
    }

    @Test
    void theDerivedFilesHaveTheShapeTheTourDescribes() throws IOException {
        Map<String, String> derived = derive();
        List<String> july = derived.get("wamatek-2025-07.csv").lines().toList();
        List<String> august = derived.get("wamatek-2025-08.csv").lines().toList();

        assertThat(july).hasSize(1 + 570 * ROWS_PER_OFFER);
        assertThat(august).hasSize(july.size() + 1);
        long changed = 0;
        for (int i = 1; i < july.size(); i++) {
            if (!july.get(i).equals(august.get(i))) {
                changed++;
                String[] before = fields(july.get(i));
                String[] after = fields(august.get(i));
                assertThat(new BigDecimal(after[PRICE])).as("line " + (i + 1)).isEqualByComparingTo(
                        new BigDecimal(before[PRICE]).multiply(new BigDecimal("1.05")).setScale(2,
                                RoundingMode.HALF_UP));
                after[PRICE] = before[PRICE];
                assertThat(after).as("line " + (i + 1)).containsExactly(before);
            }
        }
        assertThat(changed).isEqualTo(12 * ROWS_PER_OFFER);
        assertThat(fields(august.get(august.size() - 1))[SOURCE_URL]).endsWith("?new");
        assertThat(derived.get("bad.csv").lines()).hasSize(4);
    }

    /** Returns each example file's content by name. */
    static Map<String, String> derive() throws IOException {
        String text;
        try (InputStream in = ExampleFilesTest.class.getResourceAsStream("/data/wamatek_scored.csv")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>(List.of(text.split(CRLF)));
        String header = lines.remove(0);
        Map<String, Integer> sightings = new HashMap<>();
        List<String> july = new ArrayList<>();
        Map<String, Integer> offers = new LinkedHashMap<>();
        for (String line : lines) {
            String[] row = fields(line);
            String offer = row[SOURCE_URL] + "\n" + row[CANONICAL_MODEL];
            offers.putIfAbsent(offer, offers.size());
            if (sightings.merge(offer, 1, Integer::sum) <= ROWS_PER_OFFER) {
                july.add(line);
            }
        }
        List<String> august = new ArrayList<>();
        for (String line : july) {
            String[] row = fields(line);
            int offer = offers.get(row[SOURCE_URL] + "\n" + row[CANONICAL_MODEL]);
            if (offer % CHANGE_EVERY == CHANGE_FROM) {
                BigDecimal raised = new BigDecimal(row[PRICE]).multiply(new BigDecimal("1.05"))
                        .setScale(2, RoundingMode.HALF_UP);
                august.add(replaceLeadingField(line, PRICE, raised.toPlainString()));
            } else {
                august.add(line);
            }
        }
        String first = july.get(0);
        august.add(replaceLeadingField(replaceLeadingField(first, SOURCE_URL, fields(first)[SOURCE_URL] + "?new"),
                PRICE, "579.99"));

        List<String> bad = new ArrayList<>();
        bad.add(july.get(0));
        String[] noPrice = fields(july.get(1));
        noPrice[PRICE] = "n/a";
        bad.add(CSV.writer(CsvSchema.emptySchema()).writeValueAsString(noPrice).strip());
        String[] noModel = fields(july.get(2));
        noModel[CANONICAL_MODEL] = "";
        bad.add(CSV.writer(CsvSchema.emptySchema()).writeValueAsString(noModel).strip());

        Map<String, String> files = new LinkedHashMap<>();
        files.put("wamatek-2025-07.csv", header + CRLF + String.join(CRLF, july) + CRLF);
        files.put("wamatek-2025-08.csv", header + CRLF + String.join(CRLF, august) + CRLF);
        files.put("bad.csv", header + CRLF + String.join(CRLF, bad) + CRLF);
        return files;
    }

    static String[] fields(String line) throws IOException {
        try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(line)) {
            return rows.next();
        }
    }

    /** Replaces field {@code index} of a line whose fields up to it hold no quote, keeping the rest verbatim. */
    private static String replaceLeadingField(String line, int index, String value) {
        int start = 0;
        for (int i = 0; i < index; i++) {
            start = line.indexOf(',', start) + 1;
        }
        int end = line.indexOf(',', start);
        assertThat(line.substring(0, end)).doesNotContain("\"");
        return line.substring(0, start) + value + line.substring(end);
    }
}
