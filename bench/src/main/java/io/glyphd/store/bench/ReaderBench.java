package io.glyphd.store.bench;

import com.sun.management.OperatingSystemMXBean;
import io.glyphd.store.Listing;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingWriter;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times the CLI's reading of a store-format CSV, without the database: the generator's listings written by
 * {@link ListingWriter}, read back by {@code ListingReader.open(Path)} (label {@code now}) and, for each
 * {@code LABEL=JAR}, by the reader of another build of the library, loaded child-first in the same JVM; rounds
 * alternate the order. Prints, per round and as medians, wall seconds, the reading thread's CPU seconds and the
 * process's CPU seconds (all threads, JIT and GC included), per 100,000 rows.
 *
 * <p>{@code java -cp ... io.glyphd.store.bench.ReaderBench ROWS ROUNDS [LABEL=JAR ...]}
 */
public final class ReaderBench {
    private ReaderBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Map<String, ClassLoader> variants = new LinkedHashMap<>();
        variants.put("now", ReaderBench.class.getClassLoader());
        for (int i = 2; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            variants.put(pair[0], new ChildFirst(Path.of(pair[1]).toUri().toURL(), ReaderBench.class.getClassLoader()));
        }
        Path csv = Files.createTempFile("reader-bench", ".csv");
        try {
            try (Writer writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
                    ListingWriter out = ListingWriter.open(writer, ListingFormat.CSV)) {
                for (Iterator<Listing> it = ListingGenerator.listings(Bench.SEED_BASE, rows, 1); it.hasNext(); ) {
                    out.write(it.next());
                }
            }
            System.out.printf("%d rows, %d MB; load average %.2f%n", rows, Files.size(csv) >> 20,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            for (ClassLoader loader : variants.values()) {
                read(loader, csv); // warm-up
            }
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            List<String> labels = new ArrayList<>(variants.keySet());
            for (int round = 1; round <= rounds; round++) {
                List<String> order = new ArrayList<>(labels);
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String label : order) {
                    double[] r = read(variants.get(label), csv);
                    double scale = 100_000.0 / rows;
                    double[] per = {r[0] * scale, r[1] * scale, r[2] * scale};
                    results.computeIfAbsent(label, k -> new ArrayList<>()).add(per);
                    System.out.printf("round %d %-8s wall %.3f s  thread CPU %.3f s  process CPU %.3f s  per 100k"
                            + "%n", round, label, per[0], per[1], per[2]);
                }
            }
            for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
                System.out.printf("median   %-8s wall %.3f s  thread CPU %.3f s  process CPU %.3f s  per 100k%n",
                        e.getKey(), median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2));
            }
            System.out.printf("load average %.2f%n", ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    /** Reads every listing; returns wall, this thread's CPU and the process's CPU, in seconds. */
    private static double[] read(ClassLoader loader, Path csv) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Class<?> reader = Class.forName("io.glyphd.store.io.ListingReader", true, loader);
        System.gc();
        long wall = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        long process = os.getProcessCpuTime();
        long count = 0;
        long check = 0;
        try (AutoCloseable r = (AutoCloseable) reader.getMethod("open", Path.class).invoke(null, csv)) {
            Iterator<?> it = (Iterator<?>) r;
            while (it.hasNext()) {
                Object listing = it.next();
                check += System.identityHashCode(listing);
                count++;
            }
        }
        double[] result = {(System.nanoTime() - wall) / 1e9, (threads.getCurrentThreadCpuTime() - cpu) / 1e9,
            (os.getProcessCpuTime() - process) / 1e9};
        if (check == 42) {
            System.out.println();
        }
        if (count == 0) {
            throw new IllegalStateException("no listings");
        }
        return result;
    }

    private static double median(List<double[]> values, int index) {
        double[] sorted = values.stream().mapToDouble(v -> v[index]).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Loads the library's classes from another jar, everything else from the bench's class path. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.glyphd.store.") || name.startsWith("io.glyphd.store.bench.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
