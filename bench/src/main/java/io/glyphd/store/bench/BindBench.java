package io.glyphd.store.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.*;
import java.sql.*;
import java.util.*;

/**
 * Issue 12's binding question, apart from run.sh: sqlite-jdbc's addBatch/executeBatch (1,000 rows) against
 * executeUpdate per row on one reused statement, the importer's 29 binds into the listings table without its secondary
 * indexes. Usage: {@code BindBench SCHEMA_SQL ROWS [batch,single]}; prints rows per CPU second per mode and round.
 */
public final class BindBench {
    private BindBench() {
    }

    static final String INSERT = "INSERT INTO listings (import_key, import_index, canonical_model, price_micros, score, vram_gb, tdp_watts, mig_support, nvlink, generation, cuda_cores, slot_width, pcie_generation, form_factor, title, condition, quantity, availability, min_order_qty, seller, region, source_url, source_type, seen_at, match_type, match_score, notes, warnings, heuristics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    record Row(String model, long price, double score, Integer vram, Integer tdp, Integer mig, Integer nvlink, String gen, Integer cores, Double slot, Integer pcie, String ff, String title, String cond, Integer qty, String avail, Integer moq, String seller, String region, String url, String stype, Long seen, String mtype, Double mscore, String notes, String warnings, String heur) {}

    public static void main(String[] a) throws Exception {
        String schema = Files.readString(Path.of(a[0]));
        int rows = Integer.parseInt(a[1]);
        SplittableRandom r = new SplittableRandom(1);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String title = "ASUS RTX " + r.nextInt(5000) + " 16G DUAL OC WHITE EDITION";
            data.add(new Row("RTX_" + r.nextInt(56), r.nextLong(1_000_000_000L), r.nextInt(10000) / 10000.0, 16, 250, 0, 0, "Ada", 7680, 2.0, 4, "Dual-slot", title, "New", r.nextInt(21), "Available", 1, "Wamatek", "USA", "https://wamatek.com/products/" + title.toLowerCase().replace(' ', '-') + "-" + i, "Shopify_Wamatek", 1_700_000_000_000_000L + r.nextLong(1_000_000_000_000L), "regex", 0.9, "SKU: 000" + r.nextLong(1_000_000_000L), r.nextInt(20) == 0 ? "price unverified" : null, "{\"bulk_notes\":\"SKU: 00012345, Vendor: ASUS\",\"listing_age\":\"Current\",\"match_notes\":\"regex: matched pattern 'RTX_4090'\"}"));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String[] modes = a.length > 2 ? a[2].split(",") : new String[] {"batch", "single"};
        for (int round = 0; round < 4; round++) {
            for (String mode : round % 2 == 0 ? modes : reversed(modes)) {
                Path db = Path.of(System.getProperty("java.io.tmpdir"), "glyphd-bindbench.sqlite3");
                for (String s : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(Path.of(db + s));
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                    try (Statement s = c.createStatement()) {
                        s.execute("PRAGMA journal_mode = WAL"); s.execute("PRAGMA synchronous = NORMAL"); s.execute("PRAGMA foreign_keys = ON"); s.execute("PRAGMA cache_size = -262144");
                        s.executeUpdate(schema.replaceAll("(?s)CREATE INDEX.*", "").replaceAll("(?s)REFERENCES imports \\(id\\) ON DELETE CASCADE", ""));
                    }
                    c.setAutoCommit(false);
                    long cpu = threads.getCurrentThreadCpuTime(), t = System.nanoTime();
                    try (PreparedStatement p = c.prepareStatement(INSERT)) {
                        int pending = 0;
                        for (int i = 0; i < rows; i++) {
                            bind(p, i, data.get(i));
                            if (mode.equals("batch")) {
                                p.addBatch();
                                if (++pending == 1000) { p.executeBatch(); pending = 0; }
                            } else {
                                p.executeUpdate();
                            }
                        }
                        if (pending > 0) p.executeBatch();
                    }
                    c.commit();
                    long wall = System.nanoTime() - t, used = threads.getCurrentThreadCpuTime() - cpu;
                    if (round > 0) System.out.printf("%s round %d: %.0f rows per CPU s, %.0f rows/s wall%n", mode, round, rows / (used / 1e9), rows / (wall / 1e9));
                }
            }
        }
    }
    static String[] reversed(String[] m) { String[] r = m.clone(); Collections.reverse(Arrays.asList(r)); return r; }
    static void setInt(PreparedStatement p, int i, Integer v) throws SQLException { if (v == null) p.setNull(i, Types.INTEGER); else p.setInt(i, v); }
    static void setStr(PreparedStatement p, int i, String v) throws SQLException { if (v == null) p.setNull(i, Types.VARCHAR); else p.setString(i, v); }
    static void bind(PreparedStatement p, int i, Row l) throws SQLException {
        p.setLong(1, 1); p.setLong(2, i + 1); p.setString(3, l.model()); p.setLong(4, l.price()); p.setDouble(5, l.score());
        setInt(p, 6, l.vram()); setInt(p, 7, l.tdp()); setInt(p, 8, l.mig()); setInt(p, 9, l.nvlink()); setStr(p, 10, l.gen()); setInt(p, 11, l.cores());
        p.setDouble(12, l.slot()); setInt(p, 13, l.pcie()); setStr(p, 14, l.ff()); setStr(p, 15, l.title()); setStr(p, 16, l.cond()); setInt(p, 17, l.qty());
        setStr(p, 18, l.avail()); setInt(p, 19, l.moq()); setStr(p, 20, l.seller()); setStr(p, 21, l.region()); setStr(p, 22, l.url()); setStr(p, 23, l.stype());
        p.setLong(24, l.seen()); setStr(p, 25, l.mtype()); p.setDouble(26, l.mscore()); setStr(p, 27, l.notes()); setStr(p, 28, l.warnings()); setStr(p, 29, l.heur());
    }
}
