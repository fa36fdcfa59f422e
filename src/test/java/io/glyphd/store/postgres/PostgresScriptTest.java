package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresScriptTest {

    @Test
    void splitsOnSemicolonsAndDropsCommentsBetweenStatements() {
        List<String> statements = PostgresScript.split("""
                -- a comment; with a semicolon
                CREATE TABLE a (x int); /* block; /* nested; */ still a comment; */
                INSERT INTO a VALUES (1);
                """, "test.sql");

        assertThat(statements).containsExactly("CREATE TABLE a (x int)", "INSERT INTO a VALUES (1)");
    }

    @Test
    void keepsAPlpgsqlBodyWholeThroughItsSemicolonsAndEndIf() {
        String body = """
                $$
                BEGIN
                    IF NEW.updated_at = OLD.updated_at THEN
                        NEW.updated_at := clock_timestamp(); -- a comment; inside the body
                    END IF;
                    RAISE EXCEPTION 'it''s; over';
                    RETURN NEW;
                END
                $$""";
        List<String> statements = PostgresScript.split("CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS "
                + body + ";\nCREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f();", "test.sql");

        assertThat(statements).containsExactly(
                "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS " + body,
                "CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION f()");
    }

    @Test
    void aTaggedDollarQuoteEndsOnlyAtItsOwnTag() {
        String statement = "DO $outer$ BEGIN EXECUTE $inner$SELECT 1; SELECT 2$inner$; PERFORM $$;$$; END $outer$";

        assertThat(PostgresScript.split(statement + "; SELECT 3", "test.sql")).containsExactly(statement,
                "SELECT 3");
    }

    @Test
    void aDollarThatOpensNoQuoteIsAnOrdinaryCharacter() {
        List<String> statements = PostgresScript.split("PREPARE p AS SELECT $1 + $2; SELECT a$b$c FROM t$1;"
                + " SELECT 4", "test.sql");

        assertThat(statements).containsExactly("PREPARE p AS SELECT $1 + $2", "SELECT a$b$c FROM t$1", "SELECT 4");
    }

    @Test
    void keepsSemicolonsInsideTextIdentifiersAndEscapeStrings() {
        List<String> statements = PostgresScript.split("INSERT INTO \"a;b\"\"c\" VALUES ('x;y', E'it\\'s; ok',"
                + " e'\\\\'); SELECT 'back\\'; SELECT 2", "test.sql");

        assertThat(statements).containsExactly("INSERT INTO \"a;b\"\"c\" VALUES ('x;y', E'it\\'s; ok', e'\\\\')",
                "SELECT 'back\\'", "SELECT 2");
    }

    @Test
    void refusesWhatItCannotSplitSafely() {
        assertThatThrownBy(() -> PostgresScript.split("SELECT 1;\nCREATE FUNCTION f() AS $$ SELECT 1;", "v.sql"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("v.sql: dollar-quoted text opened with $$ at line 2 is never closed");
        assertThatThrownBy(() -> PostgresScript.split("SELECT 'open;", "v.sql"))
                .hasMessage("v.sql: quoted text opened at line 1 is never closed");
        assertThatThrownBy(() -> PostgresScript.split("SELECT 1 /* open /* nested */", "v.sql"))
                .hasMessage("v.sql: block comment opened at line 1 is never closed");
        assertThatThrownBy(() -> PostgresScript.split("CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
                + "BEGIN ATOMIC SELECT 1; END;", "v.sql"))
                .hasMessageStartingWith("v.sql: BEGIN ATOMIC at line 2 is not supported");
    }

    @Test
    void theBundledSchemaSplitsIntoWholeStatements() {
        List<String> statements = PostgresScript.load(PostgresSchema.class, "schema.sql");

        assertThat(statements).hasSize(20).allSatisfy(sql -> assertThat(sql).doesNotEndWith(";"));
        assertThat(statements).filteredOn(sql -> sql.startsWith("CREATE FUNCTION")).hasSize(2)
                .allSatisfy(sql -> assertThat(sql).contains("LANGUAGE plpgsql AS $$").endsWith("END\n$$"));
        assertThat(statements.get(0)).startsWith("CREATE TABLE imports");
    }

    @Test
    void aMissingScriptIsAPackagingError() {
        assertThatThrownBy(() -> PostgresScript.load(PostgresSchema.class, "V2__missing.sql"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SQL resource V2__missing.sql is missing next to " + PostgresSchema.class.getName());
    }
}
