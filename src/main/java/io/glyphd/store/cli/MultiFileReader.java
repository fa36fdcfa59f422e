package io.glyphd.store.cli;

import io.glyphd.store.Listing;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingReader;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Reads several files one after the other, opening each only when the previous one is done. Not thread-safe. */
final class MultiFileReader implements Iterator<Listing>, AutoCloseable {
    private final List<Path> files;
    private final List<ListingFormat> formats;
    private int nextFile;
    private ListingReader current;

    MultiFileReader(List<Path> files, List<ListingFormat> formats) {
        this.files = List.copyOf(files);
        this.formats = List.copyOf(formats);
    }

    @Override
    public boolean hasNext() {
        while (current == null || !current.hasNext()) {
            if (nextFile == files.size()) {
                return false;
            }
            close();
            current = ListingReader.open(files.get(nextFile), formats.get(nextFile));
            nextFile++;
        }
        return true;
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
        if (current != null) {
            ListingReader done = current;
            current = null;
            done.close();
        }
    }
}
