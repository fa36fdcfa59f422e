package io.glyphd.store.sqlite;

import static io.glyphd.store.sqlite.SqlResults.strings;
import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.RandomListings;
import io.glyphd.store.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a child JVM (SIGKILL, as a crash would) while it imports {@value #ROWS} listings into a store that already
 * holds two imports, at points from before the first row to the commit, then reopens the store and checks that
 * nothing was lost or half-applied: {@code integrity_check} is ok, {@code foreign_key_check} is empty, each
 * import's {@code record_count} matches its rows, the earlier imports are intact record for record, and the
 * interrupted import is absent (or, when the kill raced the commit, complete). The store runs in its default
 * journal mode (WAL, {@code synchronous=NORMAL}). Each case is one kill; the enum has twelve.
 */
class CrashSafetyTest {
    private static final int ROWS = 200_000;
    private static final String NEW = "interrupted";
    private static final String EARLIER_1 = "earlier-1";
    private static final String EARLIER_2 = "earlier-2";

    @TempDir
    Path dir;
    private Path file;
    private final Map<String, ImportMetadata> committedImports = new LinkedHashMap<>();
    private final Map<String, List<Listing>> committedRows = new LinkedHashMap<>();

    /** Where the child is when it is killed. */
    enum KillPoint {
        BEFORE_THE_FIRST_ROW(NEW, 1, null),
        BEFORE_THE_FIRST_BATCH_IS_FLUSHED(NEW, 500, null),
        RIGHT_AFTER_THE_FIRST_BATCH_IS_FLUSHED(NEW, SqliteImporter.BATCH_SIZE + 1, null),
        PAUSED_HALF_WAY(NEW, ROWS / 2 + 1, null),
        PAUSED_AFTER_THE_LAST_ROW_BEFORE_THE_COMMIT(NEW, ROWS + 1, null),
        WHILE_WRITING_EARLY(NEW, 0, "FLUSHED 5000"),
        WHILE_WRITING_A_QUARTER_IN(NEW, 0, "FLUSHED 50000"),
        WHILE_WRITING_HALF_WAY(NEW, 0, "FLUSHED 100000"),
        WHILE_WRITING_LATE(NEW, 0, "FLUSHED 180000"),
        DURING_THE_COMMIT(NEW, 0, "EXHAUSTED"),
        REIMPORT_PAUSED_HALF_WAY(EARLIER_2, ROWS / 2 + 1, null),
        REIMPORT_DURING_THE_COMMIT(EARLIER_2, 0, "EXHAUSTED");

        final String importId;
        final int pauseAt;
        final String killOnLine;

        KillPoint(String importId, int pauseAt, String killOnLine) {
            this.importId = importId;
            this.pauseAt = pauseAt;
            this.killOnLine = killOnLine;
        }

        /** True if the kill may land after the commit, so a complete import is as valid an outcome as none. */
        boolean mayRaceTheCommit() {
            return "EXHAUSTED".equals(killOnLine);
        }
    }

    @BeforeEach
    void createAStoreWithEarlierImports() {
        file = dir.resolve("listings.sqlite3");
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(new RandomListings(6).valid(1_000), new ImportRequest(EARLIER_1, "random", "odd"));
            store.insertListings(IntStream.rangeClosed(1, 3_000).mapToObj(i -> ChildImporter.listing("before", i))
                    .toList(), new ImportRequest(EARLIER_2, "parent.csv", "the version a re-import tries to replace"));
            for (ImportMetadata metadata : store.listImports()) {
                committedImports.put(metadata.importId(), metadata);
                committedRows.put(metadata.importId(), rowsOf(store, metadata.importId()));
            }
        }
        assertThat(committedRows.get(EARLIER_2)).hasSize(3_000).first()
                .satisfies(l -> assertThat(l.title()).isEqualTo("before #1"));
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void aKilledImportLeavesEarlierImportsIntactAndItselfAllOrNothing(KillPoint point) throws Exception {
        Path childTmp = dir.resolve("child-tmp");
        try (ChildJvm child = ChildJvm.start(childTmp, dir.resolve("logs"), "import", file.toString(),
                point.importId, String.valueOf(ROWS), String.valueOf(point.pauseAt))) {
            child.awaitLine(point.pauseAt > 0 ? "PAUSED"::equals : line -> line.startsWith(point.killOnLine));
            child.kill();
        }

        boolean committed = assertIntactAfterTheCrash(point);

        if (!point.mayRaceTheCommit()) {
            assertThat(committed).as("a kill before the commit leaves no trace of the import").isFalse();
        }
        assertThat(nativeLibraryCopies(childTmp)).as("the killed child's native library copy stays in its tmpdir")
                .hasSize(1);
    }

    /** Reopens the store, checks it, and returns true if the interrupted import turned out committed. */
    private boolean assertIntactAfterTheCrash(KillPoint point) throws SQLException {
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            VerifyReport report = store.verify();
            assertThat(report.ok()).as(report.toString()).isTrue();
            try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                assertThat(strings(raw, "PRAGMA integrity_check")).containsExactly("ok");
                assertThat(strings(raw, "PRAGMA foreign_key_check")).isEmpty();
                assertThat(strings(raw, "SELECT i.import_id FROM imports i WHERE i.record_count"
                        + " <> (SELECT count(*) FROM listings l WHERE l.import_key = i.id)")).isEmpty();
            }
            boolean committed = store.findImport(point.importId)
                    .filter(m -> m.recordCount() == ROWS).isPresent();
            if (committed) {
                assertCompleteChildImport(point.importId);
            }
            Set<String> ids = new HashSet<>(committedImports.keySet());
            if (committed) {
                ids.add(point.importId);
            }
            assertThat(store.listImports()).extracting(ImportMetadata::importId)
                    .containsExactlyInAnyOrderElementsOf(ids);
            for (Map.Entry<String, ImportMetadata> earlier : committedImports.entrySet()) {
                if (committed && earlier.getKey().equals(point.importId)) {
                    continue;
                }
                assertThat(store.findImport(earlier.getKey())).contains(earlier.getValue());
                assertThat(rowsOf(store, earlier.getKey())).as("rows of " + earlier.getKey())
                        .containsExactlyElementsOf(committedRows.get(earlier.getKey()));
            }
            if (!committed) {
                long total = committedRows.values().stream().mapToLong(List::size).sum();
                assertThat(store.countListings(ListingQuery.all())).isEqualTo(total);
            }
            return committed;
        }
    }

    /** Checks, row by row, an import the child committed before the kill landed. */
    private void assertCompleteChildImport(String importId) throws SQLException {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement select = raw.prepareStatement("SELECT l.import_index, l.title, l.price_micros"
                        + " FROM listings l JOIN imports i ON i.id = l.import_key WHERE i.import_id = ?"
                        + " ORDER BY l.import_index")) {
            select.setString(1, importId);
            int row = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    row++;
                    Listing expected = ChildImporter.listing(importId, row);
                    assertThat(rs.getInt(1)).isEqualTo(row);
                    assertThat(rs.getString(2)).isEqualTo(expected.title());
                    assertThat(rs.getLong(3)).isEqualTo(SqliteDialect.toMicros(expected.price()));
                }
            }
            assertThat(row).isEqualTo(ROWS);
        }
    }

    private static List<Listing> rowsOf(SqliteListingStore store, String importId) {
        List<Listing> rows = new ArrayList<>();
        List<Listing> page;
        do {
            page = store.queryListings(ListingQuery.builder().importId(importId).limit(ListingQuery.MAX_LIMIT)
                    .offset(rows.size()).build());
            rows.addAll(page);
        } while (page.size() == ListingQuery.MAX_LIMIT);
        return rows;
    }

    private static List<Path> nativeLibraryCopies(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().contains("sqlitejdbc")
                    && !p.getFileName().toString().endsWith(".lck")).toList();
        }
    }
}
