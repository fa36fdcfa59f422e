package io.glyphd.store.postgres;

import io.glyphd.store.StoreException;
import io.glyphd.store.internal.StoreMetrics.FailureKind;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Translates PostgreSQL errors into {@link StoreException}s that say what they mean for the caller: the one place
 * the PostgreSQL backend reads SQLStates.
 *
 * <p>A driver exception often wraps the server's error: a {@code BatchUpdateException} or a COPY failure chains it
 * through {@link SQLException#getNextException()} or {@link Throwable#getCause()}. Every method here looks through
 * both chains for the server's own error ({@link PSQLException} with a {@link ServerErrorMessage}), else for the
 * first exception with an SQLState. Messages take only the server's primary message, never its detail (which
 * repeats row values) nor a batch's statement text, are capped in length, and have anything that looks like a
 * password or URL user information removed. Stateless and thread-safe.
 */
final class PostgresErrors {
    private static final int MAX_DETAIL_LENGTH = 300;
    private static final int MAX_CHAIN = 50;
    // password=..., sslpassword=..., "password": "...", pwd=...: the key is kept and the value replaced. An unquoted
    // value ends at a space, an & (URL query) or a , ) or } closing a list (Properties.toString()); a colon just
    // before one of those is the message's own. When in doubt it takes too much rather than too little.
    private static final Pattern PASSWORD = Pattern.compile(
            "(?i)(\\b[a-z_]*(?:password|passwd|pwd)\"?\\s*[=:]\\s*)"
                    + "(\"[^\"]*\"|'[^']*'|[^\\s&\"']*?(?=:?(?:[\\s&\"']|[,)}](?:\\s|$)|$)))");
    // scheme://user:secret@host: the user information is removed, up to the last @ before the path.
    private static final Pattern USER_INFO = Pattern.compile("(//)[^/\\s?#]*@");
    private static final String STILL_WORKS = "the store works again once the server is reachable";
    private static final String LOST = "nothing of this operation was written (the server rolls back an unfinished"
            + " transaction; only a connection lost during the commit itself leaves its outcome unknown); "
            + STILL_WORKS;

    private PostgresErrors() {
    }

    /** Returns an exception reading "{action} {where}: {meaning}", with {@code e} as its cause. */
    static StoreException translate(String action, String where, SQLException e) {
        return new StoreException(redact(action + " " + where + ": " + meaning(e)), e);
    }

    /**
     * Returns true if the error rolled back a transaction that may succeed when run again: a serialization
     * failure (40001) or a deadlock (40P01).
     */
    static boolean isRetryable(SQLException e) {
        String state = sqlState(e);
        return "40001".equals(state) || "40P01".equals(state);
    }

    /**
     * Returns true if the error means the connection is gone and must not be reused: SQLState class 08
     * (connection exception, which the driver also uses for a connection it has closed, 08003, and for a broken
     * socket, 08006), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57P04 database dropped,
     * 57P05 and 25P03 (the server closed an idle session), or a driver exception of the JDBC connection-loss types.
     */
    static boolean isConnectionLost(SQLException e) {
        String state = sqlState(e);
        if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("25P03"))) {
            return true;
        }
        for (Throwable t : chain(e)) {
            if (t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    /** Returns the SQLState of the server's error in {@code e}, or of the first exception that has one, or null. */
    static String sqlState(SQLException e) {
        return source(e).getSQLState();
    }

    /** Says what kind of failure {@code e} is, for metrics. */
    static FailureKind kind(SQLException e) {
        String state = sqlState(e);
        if (state == null && e instanceof SQLTransientConnectionException) {
            // How a pool (HikariCP) says no connection came free in time while the server is reachable.
            return FailureKind.CONNECTION_TIMEOUT;
        }
        if (state == null) {
            return isConnectionLost(e) ? FailureKind.CONNECTION : FailureKind.OTHER;
        }
        switch (state) {
            case "40001":
                return FailureKind.SERIALIZATION;
            case "40P01":
                return FailureKind.DEADLOCK;
            case "53100":
                return FailureKind.DISK_FULL;
            case "25006":
                return FailureKind.READ_ONLY;
            case "42501":
            case "28000":
            case "28P01":
                return FailureKind.PERMISSION;
            case "57014":
                return FailureKind.TIMEOUT;
            case "55P03":
                return FailureKind.LOCK_TIMEOUT;
            case "XX001":
            case "XX002":
                return FailureKind.DAMAGED;
            default:
                break;
        }
        if (isConnectionLost(e)) {
            return FailureKind.CONNECTION;
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            return FailureKind.INVALID_INPUT;
        }
        if (state.startsWith("58")) {
            return FailureKind.IO;
        }
        return FailureKind.OTHER;
    }

    /** Says in words what an error means for the caller, ending with its SQLState when it has one. */
    static String meaning(SQLException e) {
        SQLException source = source(e);
        String state = source.getSQLState();
        String detail = detail(source);
        String suffix = state == null ? "" : " (SQLState " + state + ")";
        if (state == null) {
            return (isConnectionLost(e) ? "the connection to PostgreSQL was lost: " + detail + "; " + LOST : detail);
        }
        return redact(explain(state, detail, source)) + suffix;
    }

    /**
     * Returns the text that names a store's database in messages, e.g.
     * {@code PostgreSQL jdbc:postgresql://127.0.0.1:5432/app, schema public}: the URL without its query string
     * (which may hold {@code password=}) and without any {@code user:password@}.
     *
     * @param jdbcUrl the JDBC URL, or null if unknown
     */
    static String describe(String jdbcUrl, String schema) {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            return "PostgreSQL, schema " + schema;
        }
        String url = jdbcUrl.strip();
        int query = indexOfAny(url, '?', '#');
        if (query >= 0) {
            url = url.substring(0, query);
        }
        return "PostgreSQL " + redact(url) + ", schema " + schema;
    }

    /** Returns {@code text} with password values replaced by {@code ***} and URL user information removed. */
    static String redact(String text) {
        if (text == null) {
            return null;
        }
        String withoutUserInfo = USER_INFO.matcher(text).replaceAll("$1");
        return PASSWORD.matcher(withoutUserInfo).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***"));
    }

    private static String explain(String state, String detail, SQLException source) {
        switch (state) {
            case "40001":
                return "the transaction conflicted with a concurrent one (serialization failure) and was rolled back;"
                        + " nothing of it was written, and running it again may succeed";
            case "40P01":
                return "the transaction was rolled back to break a deadlock with a concurrent one; nothing of it was"
                        + " written, and running it again may succeed";
            case "57P01":
                return "the server is shutting down, or an administrator terminated this connection (admin shutdown);"
                        + " " + LOST;
            case "57P02":
                return "the server is restarting after another server process crashed (crash shutdown); " + LOST;
            case "57P03":
                return "the server is starting up, shutting down or recovering and accepts no connections now: "
                        + detail + "; nothing of this operation was written; " + STILL_WORKS;
            case "57P04":
                return "the database was dropped while the store was connected to it; nothing of this operation was"
                        + " written";
            case "57P05":
            case "25P03":
                return "the server closed the connection because it stayed idle past the server's idle timeout: "
                        + detail + "; " + LOST;
            case "53100":
                return "the server's disk is full; nothing of this operation was written; free space on the server's"
                        + " data volume";
            case "53200":
                return "the server ran out of memory; nothing of this operation was written";
            case "53300":
                return "the server has no connection slot free (max_connections is reached): " + detail
                        + "; use fewer connections (a smaller pool) or raise max_connections";
            case "25006":
                return "the server is a read-only standby (hot standby), or the session is read-only"
                        + " (default_transaction_read_only): nothing was written; connect to the primary";
            case "42501":
                return "the database user lacks a privilege this needs: " + detail + "; grant it (creating the"
                        + " schema needs CREATE on the database or USAGE and CREATE on an existing schema; the store"
                        + " needs SELECT, INSERT, UPDATE and DELETE on its tables)";
            case "57014":
                return "the statement was canceled (statement_timeout ran out, or it was canceled on request): "
                        + detail + "; its transaction was rolled back, nothing of it was written";
            case "55P03":
                return "a lock was not granted in time (lock_timeout, or NOWAIT): another transaction holds it: "
                        + detail + "; nothing was written, and running it again may succeed";
            case "28000":
            case "28P01":
                return "PostgreSQL refused the login: " + detail + "; check the user name and password and the"
                        + " server's pg_hba.conf";
            case "3D000":
                return "the database does not exist: " + detail + "; create it, or correct the database name in the"
                        + " JDBC URL";
            case "3F000":
                return "the schema does not exist: " + detail;
            default:
                break;
        }
        if (state.startsWith("08")) {
            return "the connection to PostgreSQL was lost or could not be made: " + detail + "; " + LOST;
        }
        if (state.startsWith("23")) {
            String constraint = constraint(source);
            return "the data breaks an integrity rule of the schema: " + detail
                    + (constraint == null || detail.contains(constraint) ? "" : " (constraint " + constraint + ")");
        }
        if (state.startsWith("22")) {
            boolean nul = detail.contains("0x00") || detail.contains("\\u0000") || detail.contains("U+0000");
            return "a value cannot be stored as given: " + detail
                    + (nul ? " (PostgreSQL text and jsonb cannot hold the NUL character U+0000)" : "");
        }
        if (state.startsWith("40")) {
            return "the transaction was rolled back: " + detail + "; nothing of it was written";
        }
        if (state.startsWith("53")) {
            return "the server lacks a resource: " + detail + "; nothing of this operation was written";
        }
        return detail;
    }

    /**
     * Returns the server's error in {@code e}'s cause and next-exception chains, else the first exception there
     * with an SQLState, else {@code e}.
     */
    private static SQLException source(SQLException e) {
        SQLException withState = null;
        for (Throwable t : chain(e)) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null
                    && p.getServerErrorMessage().getSQLState() != null) {
                return p;
            }
            if (withState == null && t instanceof SQLException s && s.getSQLState() != null) {
                withState = s;
            }
        }
        return withState != null ? withState : e;
    }

    /** Returns {@code e} and the exceptions its cause and next-exception chains reach, breadth first, each once. */
    private static List<Throwable> chain(SQLException e) {
        List<Throwable> found = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty() && found.size() < MAX_CHAIN) {
            Throwable t = todo.removeFirst();
            if (!seen.add(t)) {
                continue;
            }
            found.add(t);
            if (t instanceof SQLException s && s.getNextException() != null) {
                todo.add(s.getNextException());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return found;
    }

    /** Returns the server's primary message (its detail repeats row values), else the driver's, capped. */
    private static String detail(SQLException source) {
        String text = null;
        if (source instanceof PSQLException p && p.getServerErrorMessage() != null) {
            text = p.getServerErrorMessage().getMessage();
        }
        if (text == null) {
            text = source.getMessage();
        }
        if (text == null || text.isBlank()) {
            text = source.getClass().getSimpleName();
        }
        text = redact(text.strip());
        return text.length() <= MAX_DETAIL_LENGTH ? text : text.substring(0, MAX_DETAIL_LENGTH) + "...";
    }

    private static String constraint(SQLException source) {
        if (source instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getConstraint();
        }
        return null;
    }

    private static int indexOfAny(String text, char a, char b) {
        int first = text.indexOf(a);
        int second = text.indexOf(b);
        return first < 0 ? second : second < 0 ? first : Math.min(first, second);
    }
}
