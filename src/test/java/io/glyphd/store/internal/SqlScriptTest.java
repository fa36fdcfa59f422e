package io.glyphd.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsOnSemicolonsAndDropsComments() {
        List<String> statements = SqlScript.split("""
                -- a comment; with a semicolon
                CREATE TABLE a (x); /* block; comment */
                INSERT INTO a VALUES (1);
                """);

        assertThat(statements).containsExactly("CREATE TABLE a (x)", "INSERT INTO a VALUES (1)");
    }

    @Test
    void keepsSemicolonsInsideQuotes() {
        List<String> statements = SqlScript.split("INSERT INTO a VALUES ('x;y', \"q;\"\"r\"); SELECT 'it''s; ok'");

        assertThat(statements).containsExactly("INSERT INTO a VALUES ('x;y', \"q;\"\"r\")", "SELECT 'it''s; ok'");
    }

    @Test
    void keepsATriggerBodyWhole() {
        List<String> statements = SqlScript.split("""
                CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, m TEXT);
                CREATE TRIGGER t_touch AFTER UPDATE ON t FOR EACH ROW
                BEGIN
                    UPDATE t SET m = CASE WHEN NEW.n > 0 THEN 'pos;itive' ELSE 'neg' END WHERE id = NEW.id;
                    SELECT 1;
                END;
                CREATE INDEX t_n ON t (n);
                """);

        assertThat(statements).hasSize(3);
        assertThat(statements.get(1)).startsWith("CREATE TRIGGER t_touch").endsWith("END")
                .contains("SELECT 1;").contains("'pos;itive'");
        assertThat(statements.get(2)).isEqualTo("CREATE INDEX t_n ON t (n)");
    }

    @Test
    void theBundledSchemaRunsStatementByStatement() throws SQLException {
        List<String> statements = SqlScript.load(io.glyphd.store.sqlite.SqliteListingStore.class, "schema.sql");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
        assertThat(statements).allSatisfy(sql -> assertThat(sql).doesNotEndWith(";"));
    }
}
