package io.glyphd.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.internal.JdbcValues;
import io.glyphd.store.internal.ListingRow;
import io.glyphd.store.internal.ListingRow.Column;
import io.glyphd.store.internal.ListingRow.Kind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PackedListingColumns} on a real SQLite connection: every column reads back what it stores through the one
 * packed value, whatever its text holds, and a row that does not parse is an error rather than shifted fields.
 */
class PackedListingColumnsTest {
    private static final List<Column> COLUMNS = List.of(new Column("i.name", Kind.TEXT),
            new Column("l.n", Kind.INTEGER), new Column("l.r", Kind.PLAIN), new Column("l.t", Kind.TEXT),
            new Column("l.m", Kind.INTEGER), new Column("l.u", Kind.TEXT));
    private static final PackedListingColumns LAYOUT = new PackedListingColumns(COLUMNS);
    private Connection connection;

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite::memory:");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE i (id INTEGER PRIMARY KEY, name TEXT)");
            s.execute("CREATE TABLE l (id INTEGER PRIMARY KEY, ik INTEGER, n INTEGER, r REAL, t TEXT, m INTEGER,"
                    + " u TEXT)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void everyColumnKeepsItsNumberAndThePlainOnesAreSelectedAsThemselves() {
        assertThat(LAYOUT.selectList()).isEqualTo("concat(octet_length(i.name), char(58), i.name, l.n, char(44),"
                + " octet_length(l.t), char(58), l.t, l.m, char(44), octet_length(l.u), char(58), l.u), NULL, l.r,"
                + " NULL, NULL, NULL");
        assertThat(LAYOUT.selectList()).doesNotContain("'");
    }

    @Test
    void textsAndIntegersReadBackExactlyWhateverTheyHold() throws SQLException {
        List<String> texts = Arrays.asList(null, "", "0", ":", ",", "12:", "3:abc", "-", "1,2", "a\0b", "\0",
                "emoji 🚀 显卡 é", "x".repeat(10_000), "9999999999999999999999:");
        List<Long> numbers = Arrays.asList(null, 0L, -1L, 7L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE,
                Long.MAX_VALUE, Long.MIN_VALUE);
        insertImport("import-1");
        List<Object[]> rows = new ArrayList<>();
        for (int k = 0; k < Math.max(texts.size(), numbers.size()) * 2; k++) {
            Double real = k % 3 == 0 ? null : k / 3.0;
            Long number = numbers.get(k % numbers.size());
            Long other = numbers.get((k + 3) % numbers.size());
            String text = texts.get(k % texts.size());
            rows.add(new Object[] {number, real, text, other, texts.get((k + 5) % texts.size())});
        }
        for (Object[] row : rows) {
            insert(row);
        }

        try (PreparedStatement p = connection.prepareStatement("SELECT " + LAYOUT.selectList()
                + " FROM l JOIN i ON i.id = l.ik ORDER BY l.id"); ResultSet rs = p.executeQuery()) {
            for (Object[] row : rows) {
                assertThat(rs.next()).isTrue();
                ListingRow read = LAYOUT.row(rs);
                assertThat(read.text(1)).isEqualTo("import-1");
                assertThat(read.integer(2)).isEqualTo(row[0] == null ? null : (int) (long) (Long) row[0]);
                assertThat(read.real(3)).isEqualTo(row[1]);
                assertThat(read.text(4)).isEqualTo(row[2]);
                Long micros = (Long) row[3];
                assertThat(read.instant(5)).isEqualTo(micros == null ? null : JdbcValues.fromEpochMicros(micros));
                assertThat(read.text(6)).isEqualTo(row[4]);
            }
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void anIntegerColumnHoldingSomethingElseIsAnErrorNotAShiftedRow() throws SQLException {
        insertImport("import-1");
        insert(new Object[] {1L, 0.5, "text", 2L, "more"});
        try (Statement s = connection.createStatement()) {
            s.execute("UPDATE l SET n = 'a,b'"); // a hand-edited store: text in an integer column
        }

        try (PreparedStatement p = connection.prepareStatement("SELECT " + LAYOUT.selectList()
                + " FROM l JOIN i ON i.id = l.ik"); ResultSet rs = p.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThatThrownBy(() -> LAYOUT.row(rs)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("packed");
        }
    }

    @Test
    void anIntegerColumnHoldingTextIsAnError() throws SQLException {
        insertImport("import-1");
        insert(new Object[] {1L, 0.5, "text", 2L, "more"});
        try (Statement s = connection.createStatement()) {
            s.execute("UPDATE l SET m = 'abc'");
        }

        try (PreparedStatement p = connection.prepareStatement("SELECT " + LAYOUT.selectList()
                + " FROM l JOIN i ON i.id = l.ik"); ResultSet rs = p.executeQuery()) {
            assertThat(rs.next()).isTrue();
            ListingRow read = LAYOUT.row(rs);
            assertThat(read.integer(2)).isEqualTo(1);
            assertThatThrownBy(() -> read.integer(5)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("abc");
        }
    }

    private void insertImport(String name) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO i (id, name) VALUES (1, ?)")) {
            p.setString(1, name);
            p.execute();
        }
    }

    private void insert(Object[] row) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO l (ik, n, r, t, m, u) VALUES (1, ?, ?, ?, ?, ?)")) {
            for (int k = 0; k < row.length; k++) {
                p.setObject(k + 1, row[k]);
            }
            p.execute();
        }
    }
}
