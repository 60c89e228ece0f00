package io.mpp.selection;

import io.mpp.discovery.Endpoint;

/**
 * A discovered backend with what its probe found at one selection.
 *
 * @param live  whether it answered a query within the probe timeout
 * @param error why it is not live (or why the strategy could not measure it); null when all went well
 */
public record Candidate(Endpoint endpoint, boolean live, String error) {

    public static Candidate live(Endpoint endpoint) {
        return new Candidate(endpoint, true, null);
    }

    public static Candidate down(Endpoint endpoint, String error) {
        return new Candidate(endpoint, false, error);
    }
}
