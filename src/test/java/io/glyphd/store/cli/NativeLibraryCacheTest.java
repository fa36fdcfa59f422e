package io.glyphd.store.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sqlite-jdbc's native library, extracted once into the cache (here a temp dir) and checked on each use. */
class NativeLibraryCacheTest {
    @TempDir
    Path cache;

    private List<Path> files() throws IOException {
        try (Stream<Path> paths = Files.walk(cache)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void extractsOnceIntoADirectoryOfTheVersionAndPlatformUnderANameOfItsChecksum() throws IOException {
        Path library = NativeLibraryCache.install(cache).orElseThrow();
        Object firstFile = Files.readAttributes(library, BasicFileAttributes.class).fileKey();

        Path again = NativeLibraryCache.install(cache).orElseThrow();

        assertThat(again).isEqualTo(library);
        // The same file, not a copy written over it: a running process may have it mapped.
        assertThat(Files.readAttributes(again, BasicFileAttributes.class).fileKey()).isEqualTo(firstFile);
        assertThat(library.getParent().getParent().getParent()).isEqualTo(cache.resolve("native"));
        assertThat(library.getFileName().toString()).matches("libsqlitejdbc-[0-9a-f]{8}\\.(so|dylib|dll)")
                .isEqualTo(NativeLibraryCache.versioned(NativeLibraryCacheTest.nativeName(),
                        NativeLibraryCache.crc(library)));
        assertThat(Files.size(library)).isGreaterThan(100_000);
        assertThat(files()).containsExactly(library, library.resolveSibling(nativeName() + ".source"));
    }

    private static String nativeName() {
        return org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
    }

    @Test
    void aDamagedOrTruncatedCopyIsReplacedNotUsed() throws IOException {
        Path library = NativeLibraryCache.install(cache).orElseThrow();
        byte[] good = Files.readAllBytes(library);
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(library, damaged);

        assertThat(NativeLibraryCache.install(cache)).contains(library);
        assertThat(Files.readAllBytes(library)).isEqualTo(good);

        Files.write(library, new byte[] {1, 2, 3});
        assertThat(NativeLibraryCache.install(cache)).contains(library);
        assertThat(Files.readAllBytes(library)).isEqualTo(good);
    }

    @Test
    void aLostOrForeignRecordOfTheResourceOnlyMeansTheDetectionRunsAgain() throws IOException {
        Path library = NativeLibraryCache.install(cache).orElseThrow();
        Path source = library.resolveSibling(nativeName() + ".source");
        Files.writeString(source, "/org/sqlite/native/Nowhere/none/" + nativeName());

        assertThat(NativeLibraryCache.install(cache)).contains(library);
        assertThat(Files.readString(source)).doesNotContain("Nowhere");

        Files.delete(source);
        assertThat(NativeLibraryCache.install(cache)).contains(library);
        assertThat(source).isRegularFile();
    }

    @Test
    void concurrentFirstUsesAgreeAndLeaveNoTempFiles() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Optional<Path>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> NativeLibraryCache.install(cache)));
            }
            Path first = results.get(0).get().orElseThrow();
            for (Future<Optional<Path>> result : results) {
                assertThat(result.get()).contains(first);
            }
            assertThat(NativeLibraryCache.crc(first)).isEqualTo(NativeLibraryCache.crc(
                    NativeLibraryCache.install(cache).orElseThrow()));
            assertThat(files()).hasSize(2).noneMatch(path -> path.toString().endsWith(".tmp"));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anAbandonedTempFileOfAProcessThatIsGoneIsRemovedOnTheNextExtraction() throws IOException {
        Path library = NativeLibraryCache.install(cache).orElseThrow();
        // No process has pid 0 in the JVM's view (ProcessHandle.of(0) is empty); the parent of this JVM runs.
        Path abandoned = library.resolveSibling(library.getFileName() + ".0.123.tmp");
        Path running = library.resolveSibling(library.getFileName() + "."
                + ProcessHandle.current().parent().orElseThrow().pid() + ".456.tmp");
        Files.writeString(abandoned, "half");
        Files.writeString(running, "half");
        Files.delete(library);

        NativeLibraryCache.install(cache).orElseThrow();

        assertThat(abandoned).doesNotExist();
        assertThat(running).hasContent("half");
        assertThat(library).isRegularFile();
    }

    @Test
    void theCacheDirectoryComesFromThePropertyThenTheVariablesThenXdgThenHome() {
        String before = System.getProperty(NativeLibraryCache.CACHE_DIR_PROPERTY);
        System.clearProperty(NativeLibraryCache.CACHE_DIR_PROPERTY);
        try {
            assertThat(NativeLibraryCache.cacheDirectory(java.util.Map.of(NativeLibraryCache.CACHE_DIR_VARIABLE,
                    "/a", "XDG_CACHE_HOME", "/x"))).isEqualTo(Path.of("/a"));
            assertThat(NativeLibraryCache.cacheDirectory(java.util.Map.of("XDG_CACHE_HOME", "/x")))
                    .isEqualTo(Path.of("/x", "glyphd-store"));
            assertThat(NativeLibraryCache.cacheDirectory(java.util.Map.of("XDG_CACHE_HOME", "relative")))
                    .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "glyphd-store"));
            System.setProperty(NativeLibraryCache.CACHE_DIR_PROPERTY, "/p");
            assertThat(NativeLibraryCache.cacheDirectory(java.util.Map.of(NativeLibraryCache.CACHE_DIR_VARIABLE,
                    "/a"))).isEqualTo(Path.of("/p"));
        } finally {
            if (before == null) {
                System.clearProperty(NativeLibraryCache.CACHE_DIR_PROPERTY);
            } else {
                System.setProperty(NativeLibraryCache.CACHE_DIR_PROPERTY, before);
            }
        }
    }
}
