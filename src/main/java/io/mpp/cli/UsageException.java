package io.mpp.cli;

/** A command line that cannot work; the message names the flag and the fix, and is all the user sees. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
