package io.mpp.discovery.kubernetes;

import io.mpp.discovery.DiscoveryException;

/** An API call failed; the message says what was asked and why it failed, {@link #code()} is the HTTP status. */
final class ApiCallException extends DiscoveryException {

    /** HTTP status of the answer; 0 when there was no answer (network error, timeout, unreadable answer). */
    private final int code;

    ApiCallException(int code, String message) {
        super(message);
        this.code = code;
    }

    ApiCallException(String message, Throwable cause) {
        super(message, cause);
        this.code = 0;
    }

    int code() {
        return code;
    }
}
