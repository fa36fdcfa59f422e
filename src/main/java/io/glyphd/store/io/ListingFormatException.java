package io.glyphd.store.io;

import io.glyphd.store.InvalidListingException;
import java.util.List;

/**
 * Signals that an input file holds bad records or is not in the expected format. When an import reads from a
 * {@link ListingReader}, this exception rolls it back: nothing is written.
 *
 * <p>{@link #errors()} lists up to {@value ListingReader#MAX_ERRORS} problems in file order, each with its line,
 * column and reason; {@link #moreErrors()} counts the ones left out. {@link #rowIndex()} and {@link #field()} are
 * the line and column of the first problem.
 */
public final class ListingFormatException extends InvalidListingException {
    private static final long serialVersionUID = 1L;

    /** The file, as named in messages. */
    private final String source;
    /** The first problems found, in file order. */
    private final List<RowError> errors;
    /** How many problems were found beyond {@link #errors}. */
    private final long moreErrors;

    /**
     * Creates an exception for a file's problems.
     *
     * @param source the file, as named in messages
     * @param errors the first problems, at least one
     * @param moreErrors how many further problems were found but not kept
     * @throws IllegalArgumentException if {@code errors} is empty or {@code moreErrors} is negative
     */
    public ListingFormatException(String source, List<RowError> errors, long moreErrors) {
        super(message(source, errors, moreErrors), errors.isEmpty() ? 0 : errors.get(0).line(),
                errors.isEmpty() ? null : errors.get(0).column(), null);
        this.source = source;
        this.errors = List.copyOf(errors);
        this.moreErrors = moreErrors;
    }

    private static String message(String source, List<RowError> errors, long moreErrors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ListingFormatException needs at least one error");
        }
        if (moreErrors < 0) {
            throw new IllegalArgumentException("moreErrors must be >= 0, was " + moreErrors);
        }
        long total = errors.size() + moreErrors;
        if (total == 1) {
            return "Cannot read " + source + ": " + errors.get(0);
        }
        StringBuilder message = new StringBuilder("Cannot read ").append(source).append(": ").append(total)
                .append(" problems");
        for (RowError error : errors) {
            message.append('\n').append("  ").append(error);
        }
        if (moreErrors > 0) {
            message.append('\n').append("  and ").append(moreErrors).append(" more");
        }
        return message.toString();
    }

    /** {@return the file the problems are in, as named in messages} */
    public String source() {
        return source;
    }

    /** {@return the first problems found, in file order; never empty} */
    public List<RowError> errors() {
        return errors;
    }

    /** {@return how many problems were found beyond those in {@link #errors()}} */
    public long moreErrors() {
        return moreErrors;
    }
}
