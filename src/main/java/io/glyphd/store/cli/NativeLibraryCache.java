package io.glyphd.store.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps one copy of sqlite-jdbc's native library in a cache directory and points sqlite-jdbc at it
 * ({@code org.sqlite.lib.path} and {@code org.sqlite.lib.name}). Left to itself, sqlite-jdbc writes a new 1.1 MB
 * copy into the temp directory on every start and deletes it only on a clean exit, so each killed run leaves one.
 *
 * <p>The copy lives in {@code CACHE/native/SQLITE_JDBC_VERSION/OS-ARCH/}, named after its CRC-32; it is written to
 * a temp file beside it and renamed into place, so concurrent first runs are safe and a killed one leaves at most
 * its temp file, which the next extraction removes once its process is gone. Each start compares the copy's CRC-32
 * with the jar's (about a millisecond for 1.1 MB) and replaces a copy that differs.
 */
final class NativeLibraryCache {
    /** Where the launcher and tests put the cache; else {@code $GLYPHD_STORE_CACHE_DIR}, else XDG's. */
    static final String CACHE_DIR_PROPERTY = "glyphd.cache.dir";
    static final String CACHE_DIR_VARIABLE = "GLYPHD_STORE_CACHE_DIR";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final Pattern TEMP_NAME = Pattern.compile(".*\\.([0-9]{1,18})\\.[0-9]+\\.tmp");

    private NativeLibraryCache() {
    }

    /**
     * Returns the cache directory: {@code -Dglyphd.cache.dir}, else {@code $GLYPHD_STORE_CACHE_DIR}, else
     * {@code $XDG_CACHE_HOME/glyphd-store} (when absolute, as XDG asks), else {@code ~/.cache/glyphd-store}.
     */
    static Path cacheDirectory(Map<String, String> variables) {
        String property = System.getProperty(CACHE_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String variable = variables.get(CACHE_DIR_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return Path.of(variable);
        }
        String xdg = variables.get("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "glyphd-store");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "glyphd-store");
    }

    /**
     * Makes sqlite-jdbc load its native library from the cache, extracting it there first if needed. Does nothing
     * when the user set {@code org.sqlite.lib.path} or the jar has no library for this platform, and leaves
     * sqlite-jdbc to its own extraction when the cache cannot be written (a read-only home, say).
     *
     * @return the library loaded from now on, if it is the cached one
     */
    static Optional<Path> use(Map<String, String> variables) {
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return Optional.empty();
        }
        try {
            Optional<Path> library = install(cacheDirectory(variables));
            library.ifPresent(path -> {
                System.setProperty("org.sqlite.lib.path", path.getParent().toString());
                System.setProperty("org.sqlite.lib.name", path.getFileName().toString());
            });
            return library;
        } catch (IOException | RuntimeException e) {
            // sqlite-jdbc then extracts into the temp directory, as without this class.
            return Optional.empty();
        }
    }

    /**
     * Returns the cached library for this platform, extracting it into {@code cache} if missing or damaged. The
     * directory is named after sqlite-jdbc's version and the JVM's {@code os.name} and {@code os.arch}, the file
     * after the library's CRC-32 as the jar records it ({@code libsqlitejdbc-1a2b3c4d.so}), so a copy in use is
     * never overwritten by another version's; a copy whose CRC-32 differs from the jar's (damaged, cut short) is
     * replaced, never loaded. A file beside it records which jar resource sqlite-jdbc's platform detection chose
     * (which runs {@code uname} and reads {@code /proc}), so that detection runs only on the first extraction.
     */
    static Optional<Path> install(Path cache) throws IOException {
        String name = LibraryLoaderUtil.getNativeLibName();
        Path directory = cache.resolve("native").resolve(sqliteJdbcVersion())
                .resolve(safe(System.getProperty("os.name") + "-" + System.getProperty("os.arch")));
        Path source = directory.resolve(name + ".source");
        if (Files.isRegularFile(source)) {
            Optional<JarEntry> recorded = jarEntry(Files.readString(source).strip());
            if (recorded.isPresent() && recorded.get().getCrc() != -1) {
                Path library = directory.resolve(versioned(name, recorded.get().getCrc()));
                if (crc(library) == recorded.get().getCrc()) {
                    return Optional.of(library);
                }
            }
        }
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        Optional<JarEntry> entry = jarEntry(resource);
        if (entry.isEmpty() || entry.get().getCrc() == -1) {
            return Optional.empty();
        }
        long expected = entry.get().getCrc();
        Path library = directory.resolve(versioned(name, expected));
        Files.createDirectories(directory);
        removeAbandonedTempFiles(directory);
        if (crc(library) != expected) {
            try (InputStream in = NativeLibraryCache.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return Optional.empty();
                }
                write(directory, library, in, expected);
            }
        }
        write(directory, source, new ByteArrayInputStream(resource.getBytes(StandardCharsets.UTF_8)), -1);
        return Optional.of(library);
    }

    /** Returns {@code libsqlitejdbc-CRC.so} for {@code libsqlitejdbc.so}. */
    static String versioned(String name, long crc) {
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        return stem + "-" + String.format("%08x", crc) + (dot < 0 ? "" : name.substring(dot));
    }

    /**
     * Writes {@code target} through a temp file in {@code directory} renamed over it, so readers see all or none;
     * with {@code expectedCrc} not -1, a temp file of another CRC-32 is deleted and the write fails.
     */
    private static void write(Path directory, Path target, InputStream in, long expectedCrc) throws IOException {
        // NAME.PID.RANDOM.tmp: unique to the writer, and the pid says when it is abandoned.
        Path temp = Files.createTempFile(directory, target.getFileName() + "." + ProcessHandle.current().pid() + ".",
                TEMP_SUFFIX);
        try {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            if (expectedCrc != -1 && crc(temp) != expectedCrc) {
                throw new IOException("the extracted " + target.getFileName() + " does not match the jar's CRC-32");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Returns the jar entry of a class-path resource, if it is one. */
    private static Optional<JarEntry> jarEntry(String resource) throws IOException {
        URL url = NativeLibraryCache.class.getResource(resource);
        if (url == null || !(url.openConnection() instanceof JarURLConnection connection)) {
            return Optional.empty();
        }
        return Optional.ofNullable(connection.getJarEntry());
    }

    /** Returns sqlite-jdbc's version as its jar records it, without initialising its loader (which logs). */
    private static String sqliteJdbcVersion() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = NativeLibraryCache.class.getResourceAsStream(
                "/META-INF/maven/org.xerial/sqlite-jdbc/pom.properties")) {
            if (in != null) {
                properties.load(in);
            }
        }
        String version = properties.getProperty("version", "").strip();
        return version.isEmpty() ? "unknown" : safe(version);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Returns the CRC-32 of {@code file}, or -1 if it cannot be read. */
    static long crc(Path file) {
        if (!Files.isRegularFile(file)) {
            return -1;
        }
        try (InputStream in = Files.newInputStream(file)) {
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
            }
            return crc.getValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Deletes the temp files ({@code NAME.PID.RANDOM.tmp}) of extractions whose process no longer runs. */
    private static void removeAbandonedTempFiles(Path directory) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "*" + TEMP_SUFFIX)) {
            for (Path temp : temps) {
                Matcher name = TEMP_NAME.matcher(temp.getFileName().toString());
                if (!name.matches() || ProcessHandle.of(Long.parseLong(name.group(1))).isEmpty()) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }
}
