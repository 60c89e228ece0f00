package io.mpp.discovery;

/** Discovery failed as a whole (file unreadable, API unreachable); the message says what and where. */
public class DiscoveryException extends Exception {

    public DiscoveryException(String message) {
        super(message);
    }

    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
