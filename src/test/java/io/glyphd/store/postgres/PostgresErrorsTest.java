package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.glyphd.store.StoreException;
import java.io.EOFException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/** SQLState translation, on exceptions built as the driver builds them from the server's error fields. */
class PostgresErrorsTest {
    private static final String WHERE = "PostgreSQL jdbc:postgresql://db.example:5432/app, schema public";

    /** Returns the exception pgjdbc makes from an ErrorResponse with these fields (and detail, if not null). */
    static PSQLException server(String state, String message, String detail, String constraint) {
        StringBuilder fields = new StringBuilder("SERROR\0VERROR\0C").append(state).append("\0M").append(message)
                .append('\0');
        if (detail != null) {
            fields.append('D').append(detail).append('\0');
        }
        if (constraint != null) {
            fields.append('n').append(constraint).append('\0');
        }
        return new PSQLException(new ServerErrorMessage(fields.toString()));
    }

    static PSQLException server(String state, String message) {
        return server(state, message, null, null);
    }

    @Test
    void translateSaysWhatFailedWhereAndWhyWithTheCause() {
        PSQLException e = server("53100", "could not extend file \"base/16384/16397\": No space left on device");

        StoreException translated = PostgresErrors.translate("Cannot import 250 listings as import b1 into", WHERE, e);

        assertThat(translated).hasCause(e).hasMessage("Cannot import 250 listings as import b1 into " + WHERE
                + ": the server's disk is full; nothing of this operation was written; free space on the server's"
                + " data volume (SQLState 53100)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            40001 | could not serialize access due to concurrent update | was rolled back; nothing of it was written
            40P01 | deadlock detected                                   | was rolled back to break a deadlock
            """)
    void serializationFailuresAndDeadlocksAreRetryable(String state, String message, String meaning) {
        PSQLException e = server(state, message);

        assertThat(PostgresErrors.isRetryable(e)).isTrue();
        assertThat(PostgresErrors.isConnectionLost(e)).isFalse();
        assertThat(PostgresErrors.meaning(e)).contains(meaning).contains("running it again may succeed")
                .endsWith("(SQLState " + state + ")");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            08006 | An I/O error occurred while sending to the backend. | the connection to PostgreSQL was lost
            08003 | This connection has been closed.                    | the connection to PostgreSQL was lost
            08001 | Connection to db.example:5432 refused.              | the connection to PostgreSQL was lost
            57P01 | terminating connection due to administrator command | an administrator terminated this connection
            57P02 | terminating connection because of crash of another server process | another server process
            57P03 | the database system is starting up                  | accepts no connections now
            """)
    void aLostConnectionSaysNothingWasWrittenAndThatTheStoreRecovers(String state, String message, String meaning) {
        PSQLException e = state.startsWith("08") ? new PSQLException(message, stateOf(state)) : server(state, message);

        assertThat(PostgresErrors.isConnectionLost(e)).isTrue();
        assertThat(PostgresErrors.isRetryable(e)).isFalse();
        assertThat(PostgresErrors.meaning(e)).contains(meaning).contains("nothing of this operation was written")
                .contains("the store works again once the server is reachable").endsWith("(SQLState " + state + ")");
    }

    @Test
    void aBrokenSocketWithoutAnSqlStateIsALostConnection() {
        SQLException e = new SQLNonTransientConnectionException("socket closed", null, new EOFException());

        assertThat(PostgresErrors.isConnectionLost(e)).isTrue();
        assertThat(PostgresErrors.meaning(e)).startsWith("the connection to PostgreSQL was lost: socket closed;");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            53200 | out of memory | the server ran out of memory
            53300 | sorry, too many clients already | no connection slot free (max_connections
            25006 | cannot execute INSERT in a read-only transaction | the server is a read-only standby
            42501 | permission denied for schema app | lacks a privilege this needs: permission denied for schema app
            57014 | canceling statement due to statement timeout | canceled (statement_timeout ran out
            55P03 | canceling statement due to lock timeout | a lock was not granted in time
            28P01 | password authentication failed for user "app" | refused the login: password authentication failed
            28000 | no pg_hba.conf entry for host "10.0.0.9", user "app" | PostgreSQL refused the login
            3D000 | database "app" does not exist | the database does not exist: database "app" does not exist
            3F000 | schema "app" does not exist | the schema does not exist
            22003 | numeric field overflow | a value cannot be stored as given: numeric field overflow
            23502 | null value in column "score" violates not-null constraint | breaks an integrity rule
            """)
    void eachConditionIsSaidInWords(String state, String message, String meaning) {
        PSQLException e = server(state, message);

        assertThat(PostgresErrors.meaning(e)).contains(meaning).endsWith("(SQLState " + state + ")");
        assertThat(PostgresErrors.isRetryable(e)).isFalse();
        assertThat(PostgresErrors.isConnectionLost(e)).isFalse();
    }

    @Test
    void anIntegrityViolationNamesItsConstraintButNotTheRowsValues() {
        PSQLException e = server("23505", "duplicate key value violates unique constraint \"imports_import_id_key\"",
                "Key (import_id)=(customer-secret-batch) already exists.", "imports_import_id_key");
        PSQLException check = server("23514", "new row for relation \"listings\" violates check constraint",
                "Failing row contains (1, 1, 1, RTX_4090, -5.000000, ...).", "listings_price_check");

        assertThat(PostgresErrors.meaning(e)).isEqualTo("the data breaks an integrity rule of the schema: duplicate"
                + " key value violates unique constraint \"imports_import_id_key\" (SQLState 23505)");
        assertThat(PostgresErrors.meaning(check)).isEqualTo("the data breaks an integrity rule of the schema: new row"
                + " for relation \"listings\" violates check constraint (constraint listings_price_check)"
                + " (SQLState 23514)");
    }

    @Test
    void aNulInTextIsExplained() {
        PSQLException e = server("22021", "invalid byte sequence for encoding \"UTF8\": 0x00");

        assertThat(PostgresErrors.meaning(e)).contains("PostgreSQL text and jsonb cannot hold the NUL character");
    }

    @Test
    void theServersErrorIsFoundBehindABatchAndItsStatementTextIsLeftOut() {
        PSQLException inner = server("23505", "duplicate key value violates unique constraint \"x\"",
                "Key (a)=(secret) already exists.", "x");
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 INSERT INTO imports (import_id) VALUES"
                + " ('secret') was aborted: ERROR: duplicate key. Call getNextException to see other errors.",
                "23505", 0, new int[0], null);
        batch.setNextException(inner);

        assertThat(PostgresErrors.sqlState(batch)).isEqualTo("23505");
        assertThat(PostgresErrors.meaning(batch)).contains("unique constraint \"x\"").doesNotContain("secret")
                .doesNotContain("INSERT");
    }

    @Test
    void theServersErrorIsFoundThroughCausesAndNextExceptions() {
        SQLException wrapper = new SQLException("COPY failed", null, null);
        SQLException middle = new SQLException("wrapped");
        middle.initCause(server("40P01", "deadlock detected"));
        wrapper.setNextException(middle);

        assertThat(PostgresErrors.isRetryable(wrapper)).isTrue();
        assertThat(PostgresErrors.sqlState(wrapper)).isEqualTo("40P01");
    }

    @Test
    void anUnknownErrorKeepsTheDriversMessageCappedAndItsState() {
        assertThat(PostgresErrors.meaning(server("XX000", "internal error in something")))
                .isEqualTo("internal error in something (SQLState XX000)");
        assertThat(PostgresErrors.meaning(new SQLException("no state here"))).isEqualTo("no state here");
        assertThat(PostgresErrors.meaning(new SQLException("x".repeat(5000), "XX000")))
                .hasSizeLessThan(400).endsWith("... (SQLState XX000)");
    }

    @Test
    void messagesNeverCarryAPassword() {
        SQLException e = new PSQLException("Cannot connect to jdbc:postgresql://app:s3cret@db/app?user=app"
                + "&password=hunter2&sslpassword='key pass' (properties {password=hunter3, user=app})",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT);

        String message = PostgresErrors.translate("Cannot open", WHERE + "?password=hunter4", e).getMessage();

        assertThat(message).doesNotContain("s3cret").doesNotContain("hunter").doesNotContain("key pass")
                .startsWith("Cannot open " + WHERE + "?password=***: the connection to PostgreSQL was lost")
                .contains("password=***").contains("sslpassword=***").contains("jdbc:postgresql://db/app");
        assertThat(PostgresErrors.redact("url?password=a:b;c&user=u, pwd: x:y z")).isEqualTo("url?password=***&user=u,"
                + " pwd: *** z");
    }

    @Test
    void describeDropsTheQueryStringAndUserInformation() {
        assertThat(PostgresErrors.describe("jdbc:postgresql://127.0.0.1:5432/app?user=app&password=secret", "public"))
                .isEqualTo("PostgreSQL jdbc:postgresql://127.0.0.1:5432/app, schema public");
        assertThat(PostgresErrors.describe("jdbc:postgresql://app:p@ss@h1:5432,h2:5433/app#x", "store"))
                .isEqualTo("PostgreSQL jdbc:postgresql://h1:5432,h2:5433/app, schema store");
        assertThat(PostgresErrors.describe("jdbc:postgresql:app", "public"))
                .isEqualTo("PostgreSQL jdbc:postgresql:app, schema public");
        assertThat(PostgresErrors.describe(null, "public")).isEqualTo("PostgreSQL, schema public");
    }

    private static PSQLState stateOf(String state) {
        for (PSQLState candidate : PSQLState.values()) {
            if (candidate.getState().equals(state)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no PSQLState " + state);
    }
}
