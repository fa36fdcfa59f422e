package io.glyphd.store.cli;

/** A command that cannot do what was asked for a reason its message explains; exits with status 1. */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }

    /** Creates a failure whose message already says what {@code cause} meant; {@code --verbose} logs the cause. */
    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
