package io.glyphd.store.cli;

import io.glyphd.store.Listing;
import io.glyphd.store.StoreException;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads several files one after the other, opening each only when the previous one is done. With the files'
 * {@link InputFingerprint}, it digests the bytes as they are read and, at the end of each file, fails with a
 * {@link StoreException} if they are not the bytes fingerprinted before the import (the file changed meanwhile), so
 * that the import rolls back rather than record a fingerprint of other content. Not thread-safe.
 */
final class MultiFileReader implements Iterator<Listing>, AutoCloseable {
    private final List<Path> files;
    private final List<ListingFormat> formats;
    private final InputFingerprint fingerprint;
    private int nextFile;
    private ListingReader current;
    private DigestInputStream bytes;

    MultiFileReader(List<Path> files, List<ListingFormat> formats, InputFingerprint fingerprint) {
        this.files = List.copyOf(files);
        this.formats = List.copyOf(formats);
        this.fingerprint = fingerprint;
    }

    @Override
    public boolean hasNext() {
        while (current == null || !current.hasNext()) {
            if (current != null) {
                checkUnchanged();
            }
            if (nextFile == files.size()) {
                return false;
            }
            close();
            Path file = files.get(nextFile);
            bytes = new DigestInputStream(open(file), InputFingerprint.sha256());
            // The parser closes its input at the end; the rest must still be read here, so this class closes it.
            InputStream unclosed = new FilterInputStream(bytes) {
                @Override
                public void close() {
                }
            };
            current = ListingReader.open(unclosed, formats.get(nextFile), file.toString());
            nextFile++;
        }
        return true;
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new StoreException("Cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new StoreException("Cannot read " + file + ": " + e, e);
        }
    }

    /** Digests what the reader left unread (a JSON reader stops at the closing bracket) and compares. */
    private void checkUnchanged() {
        if (bytes == null) {
            return;
        }
        Path file = files.get(nextFile - 1);
        MessageDigest digest = bytes.getMessageDigest();
        try {
            InputFingerprint.drain(bytes);
        } catch (IOException e) {
            throw new StoreException("Cannot read " + file + ": " + e, e);
        }
        closeBytes();
        if (!Arrays.equals(digest.digest(), fingerprint.digests().get(nextFile - 1))) {
            throw new StoreException(file + " changed while it was being imported (its bytes are not the ones"
                    + " fingerprinted before the import started); nothing was imported");
        }
    }

    @Override
    public Listing next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    @Override
    public void close() {
        try {
            if (current != null) {
                ListingReader done = current;
                current = null;
                done.close();
            }
        } finally {
            closeBytes();
        }
    }

    private void closeBytes() {
        if (bytes != null) {
            InputStream done = bytes;
            bytes = null;
            try {
                done.close();
            } catch (IOException e) {
                throw new StoreException("Cannot close " + files.get(nextFile - 1) + ": " + e, e);
            }
        }
    }
}
