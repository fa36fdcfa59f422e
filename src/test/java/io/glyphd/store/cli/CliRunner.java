package io.glyphd.store.cli;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.Listing;
import io.glyphd.store.ListingPage;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.postgres.PostgresServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs the command line in process for the tests of this package, and reads stores back whole. */
final class CliRunner {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static String database;

    private CliRunner() {
    }

    /** What a command line printed and returned. */
    record Run(int status, String out, String err) {
    }

    static Run run(Map<String, String> variables, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new CliEnvironment(variables, terminal), new PrintWriter(out),
                new PrintWriter(err), false);
        return new Run(status, out.toString(), err.toString());
    }

    /** Returns the test server's database that these tests share, each in schemas of its own. */
    static synchronized String database() {
        if (database == null) {
            database = PostgresServer.shared().createDatabase();
        }
        return database;
    }

    /** Returns a schema name no other test in this JVM uses. */
    static String freshSchema() {
        return "cli" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    }

    /** Returns the URL the CLI takes for {@code schema} of the shared database, with the user but no password. */
    static String url(String schema) {
        PostgresServer server = PostgresServer.shared();
        String url = server.jdbcUrl(database());
        if (!url.contains("user=")) {
            url = parameter(url, "user=" + server.user());
        }
        return parameter(url, "schema=" + schema);
    }

    /** Returns {@code url} with one more query parameter. */
    static String parameter(String url, String parameter) {
        return url + (url.contains("?") ? "&" : "?") + parameter;
    }

    /** Returns the variables that give the CLI the test server's password, if it has one, as a user would. */
    static Map<String, String> passwordVariables() {
        Map<String, String> variables = new HashMap<>();
        String password = PostgresServer.shared().password();
        if (password != null) {
            variables.put(CliEnvironment.PGPASSWORD_VARIABLE, password);
        }
        return variables;
    }

    /** Returns every import of a store with its listings in import order, newest import first. */
    static Map<ImportMetadata, List<Listing>> contents(ListingStore store) {
        Map<ImportMetadata, List<Listing>> contents = new LinkedHashMap<>();
        for (ImportMetadata i : store.listImports()) {
            contents.put(i, listings(store, i.importId()));
        }
        return contents;
    }

    /** Returns one import's listings in import order. */
    static List<Listing> listings(ListingStore store, String importId) {
        ListingQuery query = ListingQuery.builder().importId(importId).orderBy(ListingQuery.Order.IMPORT_ORDER)
                .limit(ListingQuery.MAX_LIMIT).build();
        List<Listing> all = new ArrayList<>();
        ListingPage page = store.queryPage(query);
        all.addAll(page.listings());
        while (page.hasNext()) {
            page = store.queryPage(query, page.nextPageToken().orElseThrow());
            all.addAll(page.listings());
        }
        return all;
    }
}
