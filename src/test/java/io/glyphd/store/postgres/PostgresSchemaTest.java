package io.glyphd.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.glyphd.store.ImportMetadata;
import io.glyphd.store.ImportRequest;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.SchemaVersionException;
import io.glyphd.store.StoreException;
import io.glyphd.store.internal.SqlScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/** Creating, recognising and refusing glyphd-store's schema on a real PostgreSQL server, one fresh database each. */
class PostgresSchemaTest {
    private static final List<String> INDEXES = List.of("glyphd_store_schema_pkey", "imports_fingerprint",
            "imports_imported_at",
            "imports_import_id_key", "imports_pkey", "imports_source", "listings_identity",
            "listings_import_key_import_index_key", "listings_in_stock_price", "listings_in_stock_score",
            "listings_model_price",
            "listings_model_score", "listings_pkey",
            "listings_price", "listings_region_seen", "listings_score", "listings_seen");

    private final PostgresServer server = PostgresServer.shared();
    private String database;
    private DataSource dataSource;
    private ExecutorService threads;

    @BeforeEach
    void createDatabase() {
        database = server.createDatabase();
        dataSource = server.dataSource(database);
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private String where(String schema) {
        return PostgresErrors.describe(server.jdbcUrl(database), schema);
    }

    private int createOrMigrate(String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return PostgresSchema.createOrMigrate(connection, schema, where(schema));
        }
    }

    @Test
    void createsTheSchemaInAFreshDatabaseAndLeavesThePooledConnectionAsItWas() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String searchPath = strings(connection, "SHOW search_path").get(0);

            assertThat(PostgresSchema.createOrMigrate(connection, "public", where("public"))).isZero();

            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(strings(connection, "SHOW search_path")).containsExactly(searchPath);
            assertThat(strings(connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
                    .containsExactly("glyphd_store_schema", "imports", "listings");
            assertThat(strings(connection, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"))
                    .containsExactlyInAnyOrderElementsOf(INDEXES);
            assertThat(strings(connection, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.listings'::regclass"
                    + " AND NOT tgisinternal ORDER BY 1"))
                    .containsExactly("listings_keep_provenance", "listings_touch_updated_at");
            assertThat(strings(connection, "SELECT p.proname || ' ' || l.lanname FROM pg_proc p JOIN pg_language l"
                    + " ON l.oid = p.prolang WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1"))
                    .containsExactly("glyphd_keep_provenance plpgsql", "glyphd_touch_updated_at plpgsql");
            assertThat(strings(connection, "SELECT version || ' ' || script || ' ' || (applied_at IS NOT NULL)"
                    + " FROM glyphd_store_schema ORDER BY version"))
                    .containsExactly("1 schema.sql true", "2 V2__import_fingerprint.sql true",
                            "3 V3__in_stock.sql true");
            assertThat(strings(connection, "SELECT obj_description(c.oid, 'pg_class') FROM pg_class c"
                    + " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY c.relname"))
                    .hasSize(3).allSatisfy(comment -> assertThat(comment).startsWith("glyphd-store: ")
                            .endsWith("Written by glyphd-store only."));
            assertThat(strings(connection, "SELECT attname || ' ' || format_type(atttypid, atttypmod)"
                    + " || coalesce(' ' || (SELECT collname FROM pg_collation WHERE oid = attcollation"
                    + " AND collname <> 'default'), '') FROM pg_attribute WHERE attrelid = 'public.listings'::regclass"
                    + " AND attname IN ('price', 'canonical_model', 'region', 'heuristics', 'seen_at', 'mig_support',"
                    + " 'seller', 'title') ORDER BY attnum"))
                    .containsExactly("canonical_model text C", "price numeric(19,6)", "mig_support smallint",
                            "title text", "seller text C", "region text C", "seen_at timestamp with time zone",
                            "heuristics jsonb");
        }
    }

    @Test
    void theTriggersKeepUpdatedAtCurrentAndProvenanceFixed() throws SQLException {
        createOrMigrate("public");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO imports (import_id, imported_at) VALUES ('b1', now())");
            statement.execute("INSERT INTO listings (import_key, import_index, canonical_model, price, score)"
                    + " SELECT id, 1, 'RTX_4090', 1599, 0.5 FROM imports");
            assertThat(strings(connection, "SELECT updated_at = created_at FROM listings")).containsExactly("t");

            statement.execute("UPDATE listings SET score = 0.6");
            assertThat(strings(connection, "SELECT updated_at > created_at FROM listings")).containsExactly("t");
            statement.execute("UPDATE listings SET notes = 'set explicitly', updated_at = '2001-02-03T04:05:06Z'");
            assertThat(strings(connection, "SELECT updated_at = '2001-02-03T04:05:06Z' FROM listings"))
                    .containsExactly("t");

            assertThatThrownBy(() -> statement.execute("UPDATE listings SET import_index = 2"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("23000");
                        assertThat(PostgresErrors.meaning(e)).isEqualTo("the data breaks an integrity rule of the"
                                + " schema: listing provenance (import_key, import_index) cannot be changed"
                                + " (SQLState 23000)");
                    });
            statement.execute("INSERT INTO imports (import_id, imported_at) VALUES ('b2', now())");
            assertThatThrownBy(() -> statement.execute("UPDATE listings SET import_key = (SELECT max(id) FROM"
                    + " imports)")).hasMessageContaining("provenance (import_key, import_index) cannot be changed");
            statement.execute("UPDATE listings SET import_key = import_key, import_index = import_index");
            assertThat(strings(connection, "SELECT import_index FROM listings")).containsExactly("1");
        }
    }

    @Test
    void theColumnsHoldListingsLimitsAndTheChecksRefuseWhatSqliteRefuses() throws SQLException {
        createOrMigrate("public");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO imports (import_id, imported_at) VALUES ('b1', now())");
            String insert = "INSERT INTO listings (import_key, import_index, canonical_model, price, score,"
                    + " mig_support, heuristics, seen_at) SELECT id, %d, '%s', %s, 0.5, %s, %s, %s FROM imports";
            statement.execute(insert.formatted(1, "M", "1000000000000", "7", "'{\"a\": [1]}'",
                    "'9999-12-31T23:59:59.999999Z'"));
            statement.execute(insert.formatted(2, "M", "999999999999.999999", "0", "NULL",
                    "'0001-01-01T00:00:00Z'"));
            assertThat(strings(connection, "SELECT price::text FROM listings ORDER BY import_index"))
                    .containsExactly("1000000000000.000000", "999999999999.999999");

            assertThat(sqlState(statement, insert.formatted(3, "M", "-0.01", "0", "NULL", "NULL"))).isEqualTo("23514");
            assertThat(sqlState(statement, insert.formatted(3, "", "1", "0", "NULL", "NULL"))).isEqualTo("23514");
            assertThat(sqlState(statement, insert.formatted(3, "M", "1", "8", "NULL", "NULL"))).isEqualTo("23514");
            assertThat(sqlState(statement, insert.formatted(3, "M", "1", "0", "'[1]'", "NULL"))).isEqualTo("23514");
            assertThat(sqlState(statement, insert.formatted(0, "M", "1", "0", "NULL", "NULL"))).isEqualTo("23514");
            assertThat(sqlState(statement, insert.formatted(1, "M", "1", "0", "NULL", "NULL"))).isEqualTo("23505");
            assertThat(sqlState(statement, insert.formatted(3, "M", "10000000000000", "0", "NULL", "NULL")))
                    .isEqualTo("22003");
        }
    }

    @Test
    void aSecondCallIsANoOpThatTakesNoLock() throws Exception {
        assertThat(createOrMigrate("public")).isZero();
        try (Connection holder = dataSource.getConnection()) {
            advisoryLock(holder, "public", true);

            Future<Integer> second = threads.submit(() -> createOrMigrate("public"));

            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(PostgresSchema.CURRENT_VERSION);
        }
        try (Connection connection = dataSource.getConnection()) {
            assertThat(strings(connection, "SELECT count(*) FROM glyphd_store_schema"))
                    .containsExactly(String.valueOf(PostgresSchema.CURRENT_VERSION));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Connection.TRANSACTION_READ_COMMITTED, Connection.TRANSACTION_REPEATABLE_READ,
        Connection.TRANSACTION_SERIALIZABLE})
    void twoInstancesCreatingAtOnceBothSucceedAndCreateItOnce(int isolation) throws Exception {
        List<Future<Integer>> results = new ArrayList<>();
        try (Connection holder = dataSource.getConnection()) {
            // Holding the lock makes both instances pass the lock-free check first and then queue on the lock: the
            // race the lock exists for, every time rather than by chance.
            advisoryLock(holder, "public", true);
            for (int i = 0; i < 2; i++) {
                results.add(threads.submit(() -> {
                    try (Connection connection = dataSource.getConnection()) {
                        connection.setTransactionIsolation(isolation);
                        return PostgresSchema.createOrMigrate(connection, "public", where("public"));
                    }
                }));
            }
            awaitAdvisoryLockWaiters(holder, 2);
            advisoryLock(holder, "public", false);

            List<Integer> before = new ArrayList<>();
            for (Future<Integer> result : results) {
                before.add(result.get(30, TimeUnit.SECONDS));
            }
            assertThat(before).containsExactlyInAnyOrder(0, PostgresSchema.CURRENT_VERSION);
            assertThat(strings(holder, "SELECT version FROM glyphd_store_schema ORDER BY 1"))
                    .containsExactly("1", "2", "3");
            assertThat(strings(holder, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                    .containsExactly("3");
        }
    }

    @Test
    void aNewerSchemaIsRefusedAndLeftAsItWas() throws SQLException {
        createOrMigrate("public");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO glyphd_store_schema (version, script) VALUES (99, 'V99__future.sql')");
            List<String> catalog = catalog(connection, "public");

            assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "public", where("public")))
                    .isInstanceOfSatisfying(SchemaVersionException.class, e -> {
                        assertThat(e.found()).isEqualTo(99);
                        assertThat(e.supported()).isEqualTo(3);
                    })
                    .hasMessage("Cannot open " + where("public") + ": it has schema version 99; this build supports"
                            + " up to 3. Use a newer glyphd-store.");

            assertThat(catalog(connection, "public")).isEqualTo(catalog);
            assertThat(strings(connection, "SELECT version FROM glyphd_store_schema ORDER BY 1"))
                    .containsExactly("1", "2", "3", "99");
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    @Test
    void aVersionOneSchemaIsRefusedReadOnlyAndMigratedWritableKeepingItsImports() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("CREATE SCHEMA old");
            statement.execute("SET LOCAL search_path = old");
            statement.execute(SqlScript.read(PostgresSchema.class, "schema.sql"));
            statement.execute("INSERT INTO glyphd_store_schema (version, script) VALUES (1, 'schema.sql')");
            statement.execute("INSERT INTO imports (import_id, imported_at, source, record_count)"
                    + " VALUES ('july', now(), 'wamatek', 1)");
            statement.execute("INSERT INTO listings (import_key, import_index, canonical_model, price, score)"
                    + " SELECT id, 1, 'RTX_4090', 1599, 0.33 FROM imports");
            connection.commit();
        }

        assertThatThrownBy(() -> PostgresListingStore.builder(dataSource).schema("old").readOnly(true).build())
                .isInstanceOfSatisfying(SchemaVersionException.class, e -> {
                    assertThat(e.found()).isEqualTo(1);
                    assertThat(e.supported()).isEqualTo(PostgresSchema.CURRENT_VERSION);
                }).hasMessageContaining("schema version 1 of an older release");
        try (Connection connection = dataSource.getConnection()) {
            assertThat(strings(connection, "SELECT version FROM old.glyphd_store_schema")).containsExactly("1");
        }

        String fingerprint = "sha256:" + "c".repeat(64);
        try (PostgresListingStore store = PostgresListingStore.builder(dataSource).schema("old").build()) {
            assertThat(store.findImport("july")).get().satisfies(i -> {
                assertThat(i.recordCount()).isEqualTo(1);
                assertThat(i.fingerprint()).isNull();
            });
            store.insertListings(store.queryListings(ListingQuery.all()), new ImportRequest("august", null, null)
                    .withFingerprint(fingerprint));
            assertThat(store.findImportsByFingerprint(fingerprint)).extracting(ImportMetadata::importId)
                    .containsExactly("august");
        }
        try (Connection connection = dataSource.getConnection()) {
            assertThat(strings(connection, "SELECT version FROM old.glyphd_store_schema ORDER BY 1"))
                    .containsExactly("1", "2", "3");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            CREATE TABLE imports (x integer); INSERT INTO imports VALUES (42) | a table named imports
            CREATE VIEW listings AS SELECT 42 AS x                            | a view named listings
            CREATE SEQUENCE imports                                           | a sequence named imports
            """)
    void somethingElsesImportsOrListingsIsRefusedAndLeftUntouched(String foreign, String named) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(foreign);
            List<String> catalog = catalog(connection, "public");
            List<String> rows = named.contains("table") ? strings(connection, "SELECT x FROM imports") : List.of();

            assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "public", where("public")))
                    .isInstanceOfSatisfying(SchemaVersionException.class, e -> assertThat(e.found()).isEqualTo(-1))
                    .hasMessage("Cannot open " + where("public") + ": it holds " + named + " but no"
                            + " glyphd_store_schema table, so they belong to something other than glyphd-store; it"
                            + " was left untouched. Use another schema for the store.");

            assertThat(catalog(connection, "public")).isEqualTo(catalog);
            assertThat(named.contains("table") ? strings(connection, "SELECT x FROM imports") : List.of())
                    .isEqualTo(rows);
        }
    }

    @Test
    void aMarkedSchemaWithoutItsTablesIsRefused() throws SQLException {
        createOrMigrate("public");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE listings");

            assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "public", where("public")))
                    .isInstanceOf(SchemaVersionException.class)
                    .hasMessage("Cannot open " + where("public") + ": it is marked as a glyphd-store schema (schema"
                            + " version 3) but lacks its tables: found [imports] of [imports, listings]; it was left"
                            + " untouched");

            statement.execute("DELETE FROM glyphd_store_schema");
            assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "public", where("public")))
                    .isInstanceOf(SchemaVersionException.class).hasMessageEndingWith(": its glyphd_store_schema"
                            + " table holds no schema version; it was left untouched");
        }
    }

    @Test
    void aNamedSchemaIsCreatedBesidePublicWhichStaysEmpty() throws SQLException {
        assertThat(createOrMigrate("glyphd_app")).isZero();
        assertThat(createOrMigrate("glyphd_app")).isEqualTo(PostgresSchema.CURRENT_VERSION);

        try (Connection connection = dataSource.getConnection()) {
            assertThat(strings(connection, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                    + " UNION ALL SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"))
                    .containsExactly("0", "0");
            assertThat(strings(connection, "SELECT tablename FROM pg_tables WHERE schemaname = 'glyphd_app'"
                    + " ORDER BY 1")).containsExactly("glyphd_store_schema", "imports", "listings");
            assertThat(strings(connection, "SELECT count(*) FROM pg_proc WHERE pronamespace ="
                    + " 'glyphd_app'::regnamespace")).containsExactly("2");
        }
        // A second store in the same database, in its own schema, does not mistake the first for its own.
        assertThat(createOrMigrate("public")).isZero();
    }

    @Test
    void aKeywordSchemaNameAndTheCallersTemporaryTablesDoNotConfuseIt() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMPORARY TABLE imports (id text)");

            assertThat(PostgresSchema.createOrMigrate(connection, "order", where("order"))).isZero();

            assertThat(strings(connection, "SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid ="
                    + " '\"order\".listings'::regclass AND contype = 'f'")).containsExactly("\"order\".imports");
            assertThat(strings(connection, "SELECT count(*) FROM pg_temp.imports")).containsExactly("0");
        }
    }

    @Test
    void anExistingSchemaNeedsNoCreatePrivilegeOnTheDatabase() throws SQLException {
        String role = database + "_app";
        try (Connection admin = dataSource.getConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'app-secret'");
            statement.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
            statement.execute("GRANT CONNECT ON DATABASE " + database + " TO " + role);
            statement.execute("CREATE SCHEMA app AUTHORIZATION " + role);
            try {
                PGSimpleDataSource asRole = new PGSimpleDataSource();
                asRole.setURL(server.jdbcUrl(database));
                asRole.setUser(role);
                asRole.setPassword("app-secret");
                try (Connection connection = asRole.getConnection()) {
                    assertThat(PostgresSchema.createOrMigrate(connection, "app", where("app"))).isZero();

                    assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "elsewhere",
                            where("elsewhere")))
                            .isExactlyInstanceOf(StoreException.class)
                            .hasMessageStartingWith("Cannot create or migrate the glyphd-store schema in "
                                    + where("elsewhere") + ": the database user lacks a privilege this needs:"
                                    + " permission denied for database " + database + "; grant it")
                            .hasMessageEndingWith("(SQLState 42501)");
                    assertThat(connection.getAutoCommit()).isTrue();
                }
            } finally {
                statement.execute("DROP OWNED BY " + role);
                statement.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void aClosedConnectionIsAStorageErrorNotASchemaOne() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.close();

        assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "public", where("public")))
                .isExactlyInstanceOf(StoreException.class)
                .hasMessageStartingWith("Cannot read the glyphd-store schema of " + where("public") + ": the"
                        + " connection to PostgreSQL was lost")
                .hasMessageEndingWith("(SQLState 08003)");
    }

    @Test
    void aSchemaNameThatIsNotALowerCaseIdentifierIsRefused() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "App\"; DROP", "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("schema must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters),"
                            + " was App\"; DROP");
            assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "pg_store", "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("schema must not be one of PostgreSQL's own (pg_*, information_schema), was pg_store");
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> PostgresSchema.createOrMigrate(connection, "public", "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("Cannot create the glyphd-store schema"
                            + " in x: the connection is not in auto-commit mode, and committing the schema would"
                            + " commit the caller's open transaction with it");
        }
    }

    @Test
    void eachQueryShapeReadsItsIndexInOrderWithoutSorting() throws SQLException {
        createOrMigrate("public");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO imports (import_id, imported_at) SELECT 'b' || g, now() - g * interval"
                    + " '1 day' FROM generate_series(1, 5000) g");
            statement.execute("""
                    INSERT INTO listings (import_key, import_index, canonical_model, price, score, region, seen_at,
                        source_url)
                    SELECT 1 + g % 40, g, 'MODEL_' || g % 400, (g % 5000) * 1.25, (g % 997) / 997.0,
                        'REGION_' || g % 200, now() - g * interval '1 minute', 'https://example.com/' || g % 3000
                    FROM generate_series(1, 40000) g
                    """);
            statement.execute("ANALYZE imports");
            statement.execute("ANALYZE listings");

            String model = "lower(l.canonical_model) = lower(? COLLATE \"C\")";
            String region = "lower(l.region) = lower(? COLLATE \"C\")";
            assertPlan(connection, "WHERE " + model + " ORDER BY l.score DESC, l.id DESC", "listings_model_score",
                    "model_7");
            assertPlan(connection, "WHERE " + model + " AND l.price >= 10 ORDER BY l.price ASC, l.id ASC",
                    "listings_model_price", "MODEL_7");
            assertPlan(connection, "WHERE " + model + " ORDER BY l.price DESC, l.id DESC", "listings_model_price",
                    "MODEL_7");
            assertPlan(connection, "ORDER BY l.score DESC, l.id DESC", "listings_score");
            assertPlan(connection, "ORDER BY l.price ASC, l.id ASC", "listings_price");
            assertPlan(connection, "WHERE " + region + " ORDER BY l.seen_at DESC NULLS LAST, l.id DESC",
                    "listings_region_seen", "region_7");
            assertPlan(connection, "ORDER BY l.seen_at DESC NULLS LAST, l.id DESC", "listings_seen");
            assertPlan(connection, "WHERE l.import_key = 3 ORDER BY l.import_key ASC, l.import_index ASC",
                    "listings_import_key_import_index_key");
            // A listing's few sightings: the planner may fetch them through the index and sort the handful.
            assertThat(String.join("\n", explain(connection, "SELECT l.id FROM listings l WHERE l.source_url = ? AND "
                    + model + " ORDER BY l.import_key ASC, l.import_index ASC", "https://example.com/7", "MODEL_7")))
                    .contains("listings_identity");
            List<String> imports = explain(connection, "SELECT i.import_id FROM imports i"
                    + " ORDER BY i.imported_at DESC LIMIT 10");
            assertThat(String.join("\n", imports)).contains("imports_imported_at").doesNotContain("Sort");
        }
    }

    private static void assertPlan(Connection connection, String tail, String index, String... parameters)
            throws SQLException {
        List<String> plan = explain(connection, "SELECT l.id FROM listings l " + tail + " LIMIT 20", parameters);
        assertThat(String.join("\n", plan)).as("plan of %s", tail).contains(" " + index + " ")
                .doesNotContain("Sort");
    }

    private static List<String> explain(Connection connection, String sql, String... parameters)
            throws SQLException {
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setString(i + 1, parameters[i]);
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            return lines;
        }
    }

    private static void advisoryLock(Connection connection, String schema, boolean lock) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_" + (lock ? "" : "un")
                + "lock(?, hashtext(?))")) {
            statement.setInt(1, PostgresSchema.LOCK_CLASS_ID);
            statement.setString(2, schema);
            statement.execute();
        }
    }

    private static void awaitAdvisoryLockWaiters(Connection connection, int waiters) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String count = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = "
                + PostgresSchema.LOCK_CLASS_ID;
        while (!strings(connection, count).get(0).equals(Integer.toString(waiters))) {
            assertThat(System.nanoTime()).as("%d connections waiting for the schema lock", waiters)
                    .isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** Returns what the catalog holds in {@code schema}, for a before/after comparison. */
    private static List<String> catalog(Connection connection, String schema) throws SQLException {
        return strings(connection, "SELECT c.relname || ' ' || c.relkind::text || ' ' || c.oid::text"
                + " || ' ' || coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a"
                + " WHERE a.attrelid = c.oid AND a.attnum > 0), '') FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = '" + schema + "' ORDER BY 1");
    }

    private static String sqlState(Statement statement, String sql) {
        try {
            statement.execute(sql);
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
