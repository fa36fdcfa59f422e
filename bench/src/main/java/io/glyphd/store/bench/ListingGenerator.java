package io.glyphd.store.bench;

import io.glyphd.store.Listing;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Writes deterministic, realistic listings as CSV in the listings table's own column order, so that the sqlite3
 * CLI can {@code .import} the file straight into a glyphd-store schema and {@link CsvListings} can read the same
 * file through the public API.
 *
 * <p>The distributions are baked in from {@code shared/data/wamatek_scored.csv} (10,530 scored Wamatek offers):
 * 56 canonical models with their observed frequency (UNKNOWN, the unmatched titles, is 47%), a log-normal price per
 * model (mean and spread of log(price), spread capped at 1.0), the observed score range per model (scores are rounded
 * to 4 decimals, so many listings tie, as in the real data) and each model's specs. The real file has one region; the
 * generator spreads listings over 8 regions with a skew (USA 45% ... BRAZIL 1%). seenAt is uniform over the 90 days
 * before {@link #END}; source URLs are unique except for 5% that repeat a URL seen before.
 */
final class ListingGenerator {
    /** seenAt values lie in the 90 days before this instant. */
    static final Instant END = Instant.parse("2025-07-29T00:00:00Z");
    static final long SPAN_MICROS = 90L * 24 * 3600 * 1_000_000L;
    /** Every listing's created_at/updated_at, so both tools write the same bytes. */
    static final long CREATED_MICROS = END.getEpochSecond() * 1_000_000L;

    static final String[] REGIONS = {"USA", "EU", "UK", "CANADA", "JAPAN", "AUSTRALIA", "INDIA", "BRAZIL"};
    private static final double[] REGION_WEIGHTS = {45, 20, 10, 8, 7, 5, 4, 1};
    private static final String[] CONDITIONS = {"New", "Used", "Refurbished"};
    private static final double[] CONDITION_WEIGHTS = {85, 10, 5};
    private static final String[] SELLERS = {"Wamatek", "Newegg", "B&H", "ServerSupply", "eBay"};
    private static final double[] SELLER_WEIGHTS = {60, 15, 10, 10, 5};
    private static final String[] VENDORS = {"MSI", "ASUS", "GIGABYTE", "PNY", "ZOTAC", "NVIDIA", "LEADTEK", "EVGA"};
    private static final String[] VARIANTS = {"OC", "GAMING X", "VENTUS 2X", "EAGLE", "TWIN EDGE", "WHITE", "SFF", ""};

    /** One model's observed distribution. */
    record Model(String name, int weight, double logPriceMean, double logPriceSd, double minScore, double maxScore,
            Integer vramGb, Integer tdpWatts, Integer migSupport, boolean nvlink, String generation, Integer cudaCores,
            double slotWidth, Integer pcieGeneration, String formFactor, String matchType) {
    }

    static final Model[] MODELS = {
            new Model("UNKNOWN", 4977, 5.685, 1.000, 0.0000, 0.1499, 0, 0, 0, false, null, null, 1.0, null, "Standard", "none"),
            new Model("RTX_4000_SFF_ADA", 455, 6.786, 0.962, 0.3836, 0.4310, 20, 70, 4, false, "Ada", 6144, 1.0, 4, "SFF", "regex"),
            new Model("RTX_4060", 350, 5.856, 0.098, 0.2941, 0.2956, 8, 115, 0, false, "Ada", 3072, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_4070", 328, 6.395, 0.108, 0.2834, 0.2864, 12, 200, 0, false, "Ada", 5888, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_3050", 327, 5.382, 0.133, 0.2926, 0.2944, 8, 130, 0, false, "Ampere", 2560, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_4070_TI", 304, 6.765, 0.077, 0.2609, 0.2645, 12, 285, 0, false, "Ada", 7680, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_4060_TI", 274, 6.102, 0.075, 0.3071, 0.3087, 16, 165, 0, false, "Ada", 4352, 2.0, 4, "Dual-slot", "regex"),
            new Model("GTX_1650", 245, 5.162, 0.100, 0.2927, 0.2942, 4, 75, 0, false, "Turing", 896, 2.0, 3, "Dual-slot", "regex"),
            new Model("RTX_3060", 233, 5.813, 0.120, 0.2952, 0.2972, 12, 170, 0, false, "Ampere", 3584, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_3060_TI", 205, 6.039, 0.064, 0.2752, 0.2766, 8, 200, 0, false, "Ampere", 4864, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_4070_SUPER", 199, 6.448, 0.040, 0.2800, 0.2814, 12, 220, 0, false, "Ada", 7168, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_5070", 189, 6.477, 0.077, 0.2725, 0.2753, 12, 250, 0, false, "Blackwell", 6144, 2.0, 5, "Dual-slot", "regex"),
            new Model("RTX_4070_TI_SUPER", 148, 6.732, 0.024, 0.2758, 0.2767, 16, 285, 0, false, "Ada", 8448, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_5090", 139, 8.006, 0.051, 0.2273, 0.2352, 32, 575, 0, false, "Blackwell", 21760, 3.0, 5, "Standard", "regex"),
            new Model("A1000", 134, 6.276, 0.606, 0.2657, 0.3089, 8, 50, 0, false, "Ampere", 1280, 1.0, 4, "Single-slot", "regex"),
            new Model("RTX_A2000_12GB", 121, 6.723, 0.398, 0.2982, 0.3148, 12, 70, 0, false, "Ampere", 3328, 2.0, 4, "Dual-slot", "regex"),
            new Model("T1000", 109, 5.987, 0.365, 0.2849, 0.2975, 4, 50, 0, false, "Turing", 896, 1.0, 3, "Single-slot", "regex"),
            new Model("RTX_5080", 108, 7.296, 0.098, 0.2479, 0.2536, 16, 360, 0, false, "Blackwell", 10752, 3.0, 5, "Standard", "regex"),
            new Model("RTX_5070_TI", 108, 6.826, 0.036, 0.2708, 0.2723, 16, 300, 0, false, "Blackwell", 8960, 2.0, 5, "Dual-slot", "regex"),
            new Model("GT_1030", 105, 4.534, 0.049, 0.2983, 0.2985, 2, 30, 0, false, "Pascal", 384, 1.0, 3, "Single-slot", "regex"),
            new Model("RTX_6000_ADA", 101, 9.085, 0.317, 0.4214, 0.5099, 48, 300, 4, true, "Ada", 18176, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_5000_ADA", 97, 8.399, 0.305, 0.3400, 0.3889, 32, 250, 4, false, "Ada", 12800, 2.0, 4, "Dual-slot", "regex"),
            new Model("T400", 89, 5.638, 0.843, 0.2849, 0.3038, 4, 31, 0, false, "Turing", 384, 1.0, 3, "Single-slot", "regex"),
            new Model("RTX_3070", 83, 6.466, 0.078, 0.2674, 0.2692, 8, 220, 0, false, "Ampere", 5888, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_A6000", 78, 8.383, 0.370, 0.3874, 0.4461, 48, 300, 0, true, "Ampere", 10752, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_2000_ADA", 73, 6.650, 0.203, 0.4054, 0.4110, 16, 70, 4, false, "Ada", 2816, 1.0, 4, "Single-slot", "regex"),
            new Model("GEFORCE_210", 71, 6.795, 1.000, 0.1467, 0.2962, 1, 30, 0, false, "GT200", 16, 1.0, 2, "Single-slot", "regex"),
            new Model("GT_710", 68, 4.283, 0.659, 0.2946, 0.3014, 2, 19, 0, false, "Kepler", 192, 1.0, 2, "Single-slot", "regex"),
            new Model("A800_40GB", 59, 9.642, 0.129, 0.4607, 0.4607, 40, 300, 7, true, "Ampere", 10752, 2.0, 4, "Dual-slot", "fuzzy"),
            new Model("GTX_1660_SUPER", 53, 5.788, 0.020, 0.2871, 0.2871, 6, 125, 0, false, "Turing", 1408, 2.0, 3, "Dual-slot", "regex"),
            new Model("GT_730", 47, 4.359, 0.043, 0.3059, 0.3061, 4, 25, 0, false, "Kepler", 384, 1.0, 2, "Single-slot", "regex"),
            new Model("A16", 47, 8.902, 0.157, 0.2978, 0.3521, 64, 250, 0, false, "Ampere", 5120, 2.0, 4, "Dual-slot", "regex"),
            new Model("A40", 44, 9.080, 0.094, 0.3857, 0.4122, 48, 300, 7, false, "Ampere", 10752, 2.0, 4, "Dual-slot", "fuzzy"),
            new Model("GTX_1660_TI", 43, 5.837, 0.048, 0.2877, 0.2882, 6, 120, 0, false, "Turing", 1536, 2.0, 3, "Dual-slot", "regex"),
            new Model("RTX_4500_ADA", 42, 7.919, 0.241, 0.3612, 0.3822, 24, 210, 4, false, "Ada", 7680, 2.0, 4, "Dual-slot", "regex"),
            new Model("L40", 42, 10.193, 0.273, 0.3857, 0.3857, 48, 300, 7, false, "Ada", 18176, 1.0, 4, "Single-slot", "regex"),
            new Model("M6", 37, 8.698, 0.175, 0.0276, 0.0687, 0, 0, 0, false, null, null, 1.0, null, "Standard", "regex"),
            new Model("T4", 33, 8.603, 0.256, 0.3659, 0.4209, 16, 75, 7, false, "Turing", 2560, 1.0, 3, "Single-slot", "regex"),
            new Model("A2", 28, 8.233, 0.020, 0.4297, 0.4311, 16, 60, 7, false, "Ampere", 3584, 1.0, 4, "Single-slot", "regex"),
            new Model("K1", 28, 7.999, 0.020, 0.1053, 0.1053, 0, 0, 0, false, null, null, 1.0, null, "Standard", "regex"),
            new Model("K2", 28, 8.571, 0.020, 0.0708, 0.0708, 0, 0, 0, false, null, null, 1.0, null, "Standard", "regex"),
            new Model("L40S", 27, 10.830, 0.020, 0.3750, 0.3750, 48, 350, 7, false, "Ada", 18176, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_PRO_6000_BLACKWELL", 26, 8.996, 0.020, 0.5289, 0.5289, 96, 400, 4, true, "Blackwell", 20480, 2.0, 5, "Dual-slot", "regex"),
            new Model("RTX_A5500", 25, 8.456, 0.020, 0.3552, 0.3552, 24, 230, 0, true, "Ampere", 7424, 2.0, 4, "Dual-slot", "fuzzy"),
            new Model("RTX_3080", 24, 6.902, 0.020, 0.2478, 0.2478, 10, 320, 0, false, "Ampere", 8704, 2.0, 4, "Dual-slot", "regex"),
            new Model("RTX_3070_TI", 24, 6.680, 0.020, 0.2509, 0.2509, 8, 290, 0, false, "Ampere", 6144, 2.0, 4, "Dual-slot", "regex"),
            new Model("V100", 24, 9.942, 0.127, 0.0000, 0.0000, 0, 0, 0, false, null, null, 1.0, null, "Standard", "fuzzy"),
            new Model("T600", 20, 7.401, 1.000, 0.1539, 0.3001, 4, 40, 0, false, "Turing", 640, 1.0, 3, "Single-slot", "fuzzy"),
            new Model("RTX_2070_SUPER", 18, 6.765, 0.020, 0.2659, 0.2659, 8, 215, 0, false, "Turing", 2560, 2.0, 3, "Dual-slot", "regex"),
            new Model("RTX_A4000", 18, 7.245, 0.020, 0.2990, 0.2990, 16, 140, 0, false, "Ampere", 6144, 1.0, 4, "Single-slot", "regex"),
            new Model("T2000", 17, 7.684, 0.149, 0.2585, 0.2687, 4, 70, 0, false, "Turing", 1024, 1.0, 3, "Single-slot", "fuzzy"),
            new Model("M60", 14, 8.879, 0.020, 0.0423, 0.0423, 0, 0, 0, false, null, null, 1.0, null, "Standard", "regex"),
            new Model("A100_40GB_PCIE", 14, 10.440, 0.020, 0.3714, 0.3714, 40, 250, 7, false, "Ampere", 6912, 2.0, 4, "Dual-slot", "regex"),
            new Model("H100_PCIE_80GB", 14, 11.011, 0.020, 0.4750, 0.4750, 80, 350, 7, false, "Hopper", 16896, 2.0, 5, "Dual-slot", "fuzzy"),
            new Model("L4", 9, 6.418, 0.020, 0.5004, 0.5004, 24, 72, 7, false, "Ada", 7680, 1.0, 4, "Single-slot", "fuzzy"),
            new Model("P40", 7, 9.677, 0.020, 0.0000, 0.0000, 0, 0, 0, false, null, null, 1.0, null, "Standard", "regex"),
    };

    /** The columns of the listings table, in table order: what {@code .import} into that table needs. */
    static final String HEADER = "id,import_key,import_index,canonical_model,price_micros,score,vram_gb,tdp_watts,"
            + "mig_support,nvlink,generation,cuda_cores,slot_width,pcie_generation,form_factor,title,condition,"
            + "quantity,availability,min_order_qty,seller,region,source_url,source_type,seen_at,match_type,"
            + "match_score,notes,warnings,heuristics,created_at,updated_at";

    /**
     * The columns PostgreSQL's {@code COPY listings (...)} takes, in the order the library's binary COPY sends them:
     * the listings table without its identity id and its created_at/updated_at defaults.
     */
    static final String POSTGRES_HEADER = "import_key,import_index,canonical_model,price,score,vram_gb,tdp_watts,"
            + "mig_support,nvlink,generation,cuda_cores,slot_width,pcie_generation,form_factor,title,condition,"
            + "quantity,availability,min_order_qty,seller,region,source_url,source_type,seen_at,match_type,"
            + "match_score,notes,warnings,heuristics";

    /** Titles repeat (vendor x model x variant), so their URL slugs are computed once each. */
    private static final Map<String, String> SLUGS = new java.util.HashMap<>();
    private static final java.util.regex.Pattern NOT_SLUG = java.util.regex.Pattern.compile("[^a-z0-9]+");
    private static final double[] MODEL_CUMULATIVE = cumulative(modelWeights());
    private static final double[] REGION_CUMULATIVE = cumulative(REGION_WEIGHTS);
    private static final double[] CONDITION_CUMULATIVE = cumulative(CONDITION_WEIGHTS);
    private static final double[] SELLER_CUMULATIVE = cumulative(SELLER_WEIGHTS);

    private ListingGenerator() {
    }

    /** Returns the most frequent real model (not UNKNOWN) and the least frequent one. */
    static String commonModel() {
        return MODELS[1].name();
    }

    static String rareModel() {
        return MODELS[MODELS.length - 1].name();
    }

    /**
     * Writes {@code rows} listings of import {@code importKey} with table ids starting at {@code firstId}.
     *
     * @param seed the random seed; the same seed and sizes always give the same file
     */
    static void writeCsv(Path file, long seed, int rows, long firstId, long importKey) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder line = new StringBuilder(512);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write('\n');
            for (int i = 0; i < rows; i++) {
                line.setLength(0);
                appendCsv(line, row(random, firstId + i), importKey, i + 1);
                out.append(line);
            }
        }
    }

    /**
     * Writes the same listings as {@link #writeCsv} for the same seed, in PostgreSQL's text forms and
     * {@link #POSTGRES_HEADER}'s columns, so that {@code psql}'s {@code \\copy ... (FORMAT csv, HEADER)} reads it
     * into a glyphd-store schema: price as a decimal, seen_at as an ISO timestamp in UTC, nvlink as t/f; an empty
     * field is NULL, as it is for the library.
     */
    static void writePostgresCsv(Path file, long seed, int rows, long importKey) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder line = new StringBuilder(512);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(POSTGRES_HEADER);
            out.write('\n');
            for (int i = 0; i < rows; i++) {
                line.setLength(0);
                appendPostgresCsv(line, row(random, i + 1L), importKey, i + 1);
                out.append(line);
            }
        }
    }

    /**
     * Returns the same listings {@link #writeCsv} writes for {@code seed}, as records built in memory: what a caller
     * that already holds its listings hands to {@code importListings}, with no CSV to parse.
     */
    static Iterator<Listing> listings(long seed, int rows, long firstId) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < rows;
            }

            @Override
            public Listing next() {
                if (i >= rows) {
                    throw new NoSuchElementException();
                }
                return toListing(row(random, firstId + i++));
            }
        };
    }

    /**
     * Returns import {@code day} (0 = the first) of a store that imports a scrape every day: {@code rows} listings,
     * listing numbers {@code day * step + 1} to {@code day * step + rows}, so consecutive imports share all but
     * {@code step} of their listings and each listing is seen in about {@code rows / step} imports, as a site's
     * offers come and go. A listing keeps its model, score, region, URL and specs in every import; its price changes
     * once a week (on a weekday of its own, so about a seventh of the listings change price from one day to the
     * next); seenAt falls on the import's day, day {@code days - 1} being the last day before {@link #END}.
     */
    static Iterator<Listing> daily(long seed, int day, int days, int rows, int step) {
        long dayStart = CREATED_MICROS - (long) (days - day) * 86_400_000_000L;
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < rows;
            }

            @Override
            public Listing next() {
                if (i >= rows) {
                    throw new NoSuchElementException();
                }
                long k = (long) day * step + ++i;
                Row base = row(new SplittableRandom(seed ^ k * 0x9E3779B97F4A7C15L), k);
                long week = (day + k % 7) / 7;
                double drift = 0.9 + 0.2 * new SplittableRandom(seed ^ k * 0xC2B2AE3D27D4EB4FL ^ week).nextDouble();
                long price = Math.max(5, (long) (base.priceMicros() / 1e6 * drift)) * 1_000_000L + 990_000L;
                long seenAt = dayStart + Math.floorMod(k * 7_919L, 86_400L) * 1_000_000L;
                return toListing(new Row(k, base.model(), price, base.score(), base.vendor(), base.title(),
                        base.url(), seenAt, base.available(), base.sku(), base.warnings(), base.condition(),
                        base.quantity(), base.seller(), base.region()));
            }
        };
    }

    /** One generated listing's values, drawn in a fixed order from the random stream. */
    private record Row(long id, Model model, long priceMicros, double score, String vendor, String title, String url,
            long seenAt, boolean available, String sku, String warnings, String condition, int quantity,
            String seller, String region) {
    }

    private static Row row(SplittableRandom r, long id) {
        Model m = MODELS[pick(MODEL_CUMULATIVE, r)];
        double price = Math.exp(m.logPriceMean() + m.logPriceSd() * r.nextGaussian());
        price = Math.min(Math.max(price, 5), 250_000);
        long priceMicros = (long) Math.floor(price) * 1_000_000L + 990_000L;
        double score = Math.round((m.minScore() + (m.maxScore() - m.minScore()) * r.nextDouble()) * 10_000) / 10_000.0;
        String vendor = VENDORS[r.nextInt(VENDORS.length)];
        String variant = VARIANTS[r.nextInt(VARIANTS.length)];
        String modelWords = m.name().replace('_', ' ');
        String title = (vendor + " " + modelWords + " " + (m.vramGb() == null || m.vramGb() == 0 ? "" : m.vramGb() + "G ")
                + variant).strip();
        String slug = SLUGS.computeIfAbsent(title,
                t -> NOT_SLUG.matcher(t.toLowerCase(java.util.Locale.ROOT)).replaceAll("-"));
        long urlNumber = r.nextInt(100) < 5 ? r.nextLong(Math.max(1, id)) : id;
        String url = "https://wamatek.com/products/" + slug + "-" + urlNumber;
        long seenAt = CREATED_MICROS - r.nextLong(SPAN_MICROS);
        boolean available = r.nextInt(100) < 21;
        String digits = Long.toString(r.nextLong(1_000_000_000_000L));
        String sku = "000000000000".substring(digits.length()) + digits;
        String warnings = r.nextInt(100) < 5 ? "price unverified" : "";
        String condition = CONDITIONS[pick(CONDITION_CUMULATIVE, r)];
        int quantity = r.nextInt(21);
        String seller = SELLERS[pick(SELLER_CUMULATIVE, r)];
        String region = REGIONS[pick(REGION_CUMULATIVE, r)];
        return new Row(id, m, priceMicros, score, vendor, title, url, seenAt, available, sku, warnings, condition,
                quantity, seller, region);
    }

    private static double matchScore(Model m) {
        return "none".equals(m.matchType()) ? 0.0 : "fuzzy".equals(m.matchType()) ? 0.8 : 0.9;
    }

    private static String bulkNotes(Row row) {
        return "SKU: " + row.sku() + ", Vendor: " + row.vendor();
    }

    private static String matchNotes(Model m) {
        return m.matchType() + ": matched pattern '" + m.name() + "'";
    }

    private static Listing toListing(Row row) {
        Model m = row.model();
        Map<String, Object> heuristics = new LinkedHashMap<>();
        heuristics.put("bulk_notes", bulkNotes(row));
        heuristics.put("listing_age", "Current");
        heuristics.put("match_notes", matchNotes(m));
        return Listing.builder()
                .canonicalModel(m.name()).price(BigDecimal.valueOf(row.priceMicros(), 6)).score(row.score())
                .vramGb(m.vramGb()).tdpWatts(m.tdpWatts()).migSupport(m.migSupport()).nvlink(m.nvlink())
                .generation(m.generation()).cudaCores(m.cudaCores()).slotWidth(m.slotWidth())
                .pcieGeneration(m.pcieGeneration()).formFactor(m.formFactor()).title(row.title())
                .condition(row.condition()).quantity(row.quantity())
                .availability(row.available() ? "Available" : "Unavailable").minOrderQty(1).seller(row.seller())
                .region(row.region()).sourceUrl(row.url()).sourceType("Shopify_Wamatek")
                .seenAt(Instant.ofEpochSecond(row.seenAt() / 1_000_000L, row.seenAt() % 1_000_000L * 1_000L))
                .matchType(m.matchType()).matchScore(matchScore(m))
                .warnings(row.warnings().isEmpty() ? null : row.warnings()).heuristics(heuristics)
                .build();
    }

    private static void appendCsv(StringBuilder b, Row row, long importKey, int index) {
        Model m = row.model();
        String heuristics = "{\"bulk_notes\":\"" + bulkNotes(row) + "\",\"listing_age\":\"Current\","
                + "\"match_notes\":\"" + matchNotes(m) + "\"}";
        b.append(row.id()).append(',').append(importKey).append(',').append(index).append(',');
        b.append(m.name()).append(',').append(row.priceMicros()).append(',').append(row.score()).append(',');
        num(b, m.vramGb());
        num(b, m.tdpWatts());
        num(b, m.migSupport());
        b.append(m.nvlink() ? 1 : 0).append(',');
        text(b, m.generation());
        num(b, m.cudaCores());
        b.append(m.slotWidth()).append(',');
        num(b, m.pcieGeneration());
        text(b, m.formFactor());
        text(b, row.title());
        text(b, row.condition());
        b.append(row.quantity()).append(',');
        text(b, row.available() ? "Available" : "Unavailable");
        b.append(1).append(',');
        text(b, row.seller());
        text(b, row.region());
        text(b, row.url());
        text(b, "Shopify_Wamatek");
        b.append(row.seenAt()).append(',');
        text(b, m.matchType());
        b.append(matchScore(m)).append(',');
        text(b, "");
        text(b, row.warnings());
        text(b, heuristics);
        b.append(CREATED_MICROS).append(',').append(CREATED_MICROS).append('\n');
    }

    private static void appendPostgresCsv(StringBuilder b, Row row, long importKey, int index) {
        Model m = row.model();
        String heuristics = "{\"bulk_notes\":\"" + bulkNotes(row) + "\",\"listing_age\":\"Current\","
                + "\"match_notes\":\"" + matchNotes(m) + "\"}";
        b.append(importKey).append(',').append(index).append(',');
        b.append(m.name()).append(',');
        b.append(row.priceMicros() / 1_000_000L).append('.');
        String fraction = Long.toString(row.priceMicros() % 1_000_000L);
        b.append("000000", fraction.length(), 6).append(fraction).append(',');
        b.append(row.score()).append(',');
        num(b, m.vramGb());
        num(b, m.tdpWatts());
        num(b, m.migSupport());
        b.append(m.nvlink() ? 't' : 'f').append(',');
        text(b, m.generation());
        num(b, m.cudaCores());
        b.append(m.slotWidth()).append(',');
        num(b, m.pcieGeneration());
        text(b, m.formFactor());
        text(b, row.title());
        text(b, row.condition());
        b.append(row.quantity()).append(',');
        text(b, row.available() ? "Available" : "Unavailable");
        b.append(1).append(',');
        text(b, row.seller());
        text(b, row.region());
        text(b, row.url());
        text(b, "Shopify_Wamatek");
        Instant seen = Instant.ofEpochSecond(row.seenAt() / 1_000_000L, row.seenAt() % 1_000_000L * 1_000L);
        b.append(seen.toString().replace('T', ' ').replace("Z", "+00")).append(',');
        text(b, m.matchType());
        b.append(matchScore(m)).append(',');
        text(b, "");
        text(b, row.warnings());
        b.append('"').append(heuristics.replace("\"", "\"\"")).append('"').append('\n');
    }

    private static void num(StringBuilder b, Integer value) {
        if (value != null) {
            b.append(value.intValue());
        }
        b.append(',');
    }

    private static void text(StringBuilder b, String value) {
        if (value != null) {
            if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0) {
                b.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                b.append(value);
            }
        }
        b.append(',');
    }

    private static double[] modelWeights() {
        double[] weights = new double[MODELS.length];
        for (int i = 0; i < MODELS.length; i++) {
            weights[i] = MODELS[i].weight();
        }
        return weights;
    }

    private static double[] cumulative(double[] weights) {
        double[] c = new double[weights.length];
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double run = 0;
        for (int i = 0; i < weights.length; i++) {
            run += weights[i];
            c[i] = run / sum;
        }
        c[c.length - 1] = 1.0;
        return c;
    }

    private static int pick(double[] cumulative, SplittableRandom r) {
        double x = r.nextDouble();
        for (int i = 0; i < cumulative.length; i++) {
            if (x < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }
}
