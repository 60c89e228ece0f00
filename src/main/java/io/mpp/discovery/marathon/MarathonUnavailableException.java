package io.mpp.discovery.marathon;

import io.mpp.discovery.DiscoveryException;

/** No configured Marathon master gave an answer (each was unreachable, timed out or answered 5xx). */
public class MarathonUnavailableException extends DiscoveryException {

    public MarathonUnavailableException(String message) {
        super(message);
    }
}
