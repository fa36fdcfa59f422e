package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.TestListings;
import io.glyphd.store.VerifyReport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files that are not a healthy glyphd-store database. What opening can check cheaply (the header, the
 * {@code application_id}, the {@code user_version}, the tables' presence) is refused at open with a
 * {@link StoreException} naming the file and what is wrong, and the file is left byte for byte as it was. Damage
 * deeper in the file is met by the operation that reads it, which fails with a {@link StoreException} saying the
 * file is damaged, never with a wrong answer; {@link ListingStore#verify()} finds it without failing.
 */
class DamagedFileTest {
    private static final int ROWS = 3_000;

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void paths() {
        file = dir.resolve("listings.sqlite3");
    }

    /** Writes a healthy store with {@value #ROWS} listings and closes it, so the file holds every page. */
    private List<Listing> createHealthyStore() {
        try (SqliteListingStore store = new SqliteListingStore(file)) {
            store.insertListings(TestListings.sample(ROWS), "healthy");
            return rowsOf(store);
        }
    }

    private static List<Listing> rowsOf(ListingStore store) {
        return store.queryListings(ListingQuery.builder().limit(ListingQuery.MAX_LIMIT).build());
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** The kinds of file refused at open, and how each is made. */
    enum Refused {
        TEXT_FILE("not a SQLite database"),
        RANDOM_BYTES("not a SQLite database"),
        SQLITE_HEADER_THEN_GARBAGE("not a SQLite database, or its header is damaged"),
        DAMAGED_PAGE_SIZE_IN_THE_HEADER("not a SQLite database, or its header is damaged"),
        SHORTER_THAN_ITS_HEADER("truncated"),
        CUT_IN_HALF("damaged"),
        ANOTHER_APPLICATIONS_DATABASE("another application"),
        NEWER_SCHEMA_VERSION("schema version " + (SqliteSchema.CURRENT_VERSION + 1)),
        OURS_BUT_WITHOUT_ITS_TABLES("lacks its tables");

        final String says;

        Refused(String says) {
            this.says = says;
        }
    }

    private void make(Refused kind) throws IOException, SQLException {
        Random random = new Random(kind.ordinal());
        switch (kind) {
            case TEXT_FILE -> Files.writeString(file, "canonical_model,price\nRTX_4090,1500\n".repeat(200));
            case RANDOM_BYTES -> Files.write(file, bytes(random, 8192));
            case SQLITE_HEADER_THEN_GARBAGE -> {
                byte[] content = bytes(random, 8192);
                byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(magic, 0, content, 0, magic.length);
                Files.write(file, content);
            }
            case DAMAGED_PAGE_SIZE_IN_THE_HEADER -> {
                createHealthyStore();
                overwrite(16, new byte[] {0, 3});
            }
            case SHORTER_THAN_ITS_HEADER -> {
                createHealthyStore();
                truncate(60);
            }
            case CUT_IN_HALF -> {
                createHealthyStore();
                truncate(Files.size(file) / 2);
            }
            case ANOTHER_APPLICATIONS_DATABASE -> sql("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
                    "INSERT INTO customers (name) VALUES ('Ada')", "PRAGMA application_id = 42");
            case NEWER_SCHEMA_VERSION -> {
                createHealthyStore();
                sql("PRAGMA user_version = " + (SqliteSchema.CURRENT_VERSION + 1));
            }
            case OURS_BUT_WITHOUT_ITS_TABLES -> {
                createHealthyStore();
                sql("PRAGMA foreign_keys = OFF", "DROP TABLE listings");
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private void overwrite(long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    private void truncate(long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Refused.class)
    void aFileThatIsNotAHealthyStoreIsRefusedAtOpenAndLeftUntouched(Refused kind) throws Exception {
        make(kind);
        byte[] before = Files.readAllBytes(file);
        List<String> filesBefore = filesInDir();

        assertThatThrownBy(() -> new SqliteListingStore(file)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("Cannot open " + file).hasMessageContaining(kind.says);
        assertThatThrownBy(() -> SqliteListingStore.openReadOnly(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(kind.says);

        assertThat(Files.readAllBytes(file)).as("the file's bytes").isEqualTo(before);
        // SQLite's read-only open of a WAL-mode file may create its empty -wal and -shm companions; nothing else.
        List<String> added = new ArrayList<>(filesInDir());
        added.removeAll(filesBefore);
        assertThat(added).isSubsetOf(file.getFileName() + "-wal", file.getFileName() + "-shm");
        Path wal = dir.resolve(file.getFileName() + "-wal");
        if (Files.exists(wal)) {
            assertThat(Files.size(wal)).as("bytes written to the WAL").isZero();
        }
    }

    @Test
    void aFileThatIsNotOursIsASchemaVersionExceptionButADamagedOneIsNot() throws Exception {
        make(Refused.SQLITE_HEADER_THEN_GARBAGE);
        assertThatThrownBy(() -> new SqliteListingStore(file)).isInstanceOf(SchemaVersionException.class);

        Files.delete(file);
        make(Refused.CUT_IN_HALF);
        assertThatThrownBy(() -> new SqliteListingStore(file)).isInstanceOf(StoreException.class)
                .isNotInstanceOf(SchemaVersionException.class).hasMessageContaining("SQLITE_CORRUPT");
    }

    /** Overwrites one page of the listings table, in the middle of the file, with a pattern; returns its number. */
    private long damageAListingsPage() throws SQLException, IOException {
        long page;
        long pageSize;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            List<Long> pages = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT pageno FROM dbstat WHERE name = 'listings'"
                    + " AND pagetype = 'leaf' ORDER BY pageno")) {
                while (rs.next()) {
                    pages.add(rs.getLong(1));
                }
            }
            assertThat(pages).hasSizeGreaterThan(10);
            page = pages.get(pages.size() / 2);
            try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                rs.next();
                pageSize = rs.getLong(1);
            }
        }
        byte[] garbage = new byte[(int) pageSize];
        Arrays.fill(garbage, (byte) 0x5A);
        overwrite((page - 1) * pageSize, garbage);
        return page;
    }

    @Test
    void aDamagedPageIsReportedByTheOperationThatMeetsItAndByVerifyAndTheFileIsLeftAsItWas() throws Exception {
        createHealthyStore();
        damageAListingsPage();
        byte[] before = Files.readAllBytes(file);

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            assertThat(store.listImports()).extracting(ImportMetadata::importId).containsExactly("healthy");
            assertThat(store.countListings(ListingQuery.builder().model("RTX_4090").build()))
                    .as("an index that does not touch the damaged page still answers right").isEqualTo(ROWS / 4);

            assertThatThrownBy(() -> rowsOf(store)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("Cannot query listings in " + file).hasMessageContaining("damaged")
                    .hasMessageContaining("SQLITE_CORRUPT");

            VerifyReport report = store.verify();
            assertThat(report.ok()).isFalse();
            assertThat(report.integrityProblems()).isNotEmpty();
            assertThat(report.store()).isEqualTo(file.toString());
            assertThat(report.toString()).contains(file.toString()).contains("integrity problem");

            assertThat(store.listImports()).as("the store keeps answering after meeting the damage").hasSize(1);
        }
        try (SqliteListingStore readOnly = SqliteListingStore.openReadOnly(file)) {
            assertThat(readOnly.verify().ok()).isFalse();
            assertThatThrownBy(() -> rowsOf(readOnly)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("damaged");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aDamagedIndexEntryIsFoundByVerify() throws Exception {
        createHealthyStore();
        // Change a row's price behind the index's back, as a flipped bit in the row's bytes would.
        sql("PRAGMA writable_schema = ON",
                "UPDATE sqlite_schema SET sql = replace(sql, 'price_micros)', 'price_micros) WHERE 0')"
                        + " WHERE name = 'listings_price'");
        sql("UPDATE listings SET price_micros = price_micros + 1 WHERE import_index = 7");
        sql("PRAGMA writable_schema = ON",
                "UPDATE sqlite_schema SET sql = replace(sql, 'price_micros) WHERE 0', 'price_micros)')"
                        + " WHERE name = 'listings_price'");

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            VerifyReport report = store.verify();

            assertThat(report.ok()).isFalse();
            assertThat(report.integrityProblems()).anySatisfy(p -> assertThat(p).contains("listings_price"));
            assertThat(report.foreignKeyProblems()).isEmpty();
        }
    }

    @Test
    void aListingWhoseImportIsGoneIsAForeignKeyProblem() throws Exception {
        createHealthyStore();
        sql("PRAGMA foreign_keys = OFF", "DELETE FROM imports");

        try (SqliteListingStore store = new SqliteListingStore(file)) {
            VerifyReport report = store.verify();

            assertThat(report.ok()).isFalse();
            assertThat(report.integrityProblems()).isEmpty();
            assertThat(report.foreignKeyProblems()).hasSize(VerifyReport.MAX_PROBLEMS + 1)
                    .startsWith("listings row 1 refers to a missing row in imports")
                    .endsWith("... and " + (ROWS - VerifyReport.MAX_PROBLEMS) + " more");
        }
    }

    @Test
    void aHealthyStorePassesVerifyReadOnlyToo() {
        List<Listing> rows = createHealthyStore();

        try (SqliteListingStore store = SqliteListingStore.openReadOnly(file)) {
            VerifyReport report = store.verify();
            assertThat(report.ok()).isTrue();
            assertThat(report).hasToString(file + ": ok");
            assertThat(rowsOf(store)).isEqualTo(rows);
        }
    }

    @Test
    void aReadOnlyStoreWritesNothingToTheFile() throws IOException {
        List<Listing> rows = createHealthyStore();
        byte[] before = Files.readAllBytes(file);

        try (SqliteListingStore store = SqliteListingStore.openReadOnly(file)) {
            assertThat(rowsOf(store)).isEqualTo(rows);
            assertThatThrownBy(() -> store.insertListings(TestListings.sample(1), "x"))
                    .isInstanceOf(StoreException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> store.deleteImport("healthy")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("read-only");
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
}
