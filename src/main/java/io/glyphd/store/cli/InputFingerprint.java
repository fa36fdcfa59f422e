package io.glyphd.store.cli;

import io.glyphd.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The fingerprint {@code import} records for its input: for one file {@code sha256:} and the SHA-256 of its bytes in
 * lower-case hex (what {@code sha256sum} prints), for several {@code sha256-files:} and the SHA-256 of their SHA-256
 * digests in order. Immutable.
 *
 * @param value the fingerprint as the store records it
 * @param digests each file's SHA-256, in order, to check the files did not change while they were imported
 */
record InputFingerprint(String value, List<byte[]> digests) {
    private static final int BUFFER = 64 * 1024;

    /**
     * Reads every file once.
     *
     * @throws CommandFailure if a file cannot be read
     */
    static InputFingerprint of(List<Path> files) {
        List<byte[]> digests = new ArrayList<>();
        for (Path file : files) {
            MessageDigest digest = sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                drain(in);
            } catch (IOException e) {
                throw new CommandFailure("Cannot read " + file + ": " + e.getMessage(), e);
            }
            digests.add(digest.digest());
        }
        if (digests.size() == 1) {
            return new InputFingerprint("sha256:" + HexFormat.of().formatHex(digests.get(0)), List.copyOf(digests));
        }
        MessageDigest all = sha256();
        digests.forEach(all::update);
        return new InputFingerprint("sha256-files:" + HexFormat.of().formatHex(all.digest()), List.copyOf(digests));
    }

    /** Returns a new SHA-256 digest; every Java platform has one. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new StoreException("This Java runtime has no SHA-256", e);
        }
    }

    /** Reads {@code in} to its end. */
    static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        while (in.read(buffer) >= 0) {
            // Only the digest wants the bytes.
        }
    }
}
