package io.mpp.selection;

import io.mpp.discovery.Endpoint;

/**
 * A discovered backend with what its probe found at one selection.
 *
 * @param live     whether it answered a query within the probe timeout
 * @param error    why it is not live; null when it is
 * @param facts    what its {@code /metrics} said (each reading says why when it could not be measured)
 * @param measured the value the strategy compares, or why the backend could not be ranked; set by the selector
 */
public record Candidate(Endpoint endpoint, boolean live, String error, BackendFacts facts, Reading measured) {

    private static final Reading NOT_MEASURED = Reading.missing("not measured yet");

    public static Candidate live(Endpoint endpoint, BackendFacts facts) {
        return new Candidate(endpoint, true, null, facts, NOT_MEASURED);
    }

    public static Candidate down(Endpoint endpoint, String error) {
        return new Candidate(endpoint, false, error, BackendFacts.unknown("backend is down"),
                Reading.missing("backend is down: " + error));
    }

    public Candidate withMeasured(Reading reading) {
        return new Candidate(endpoint, live, error, facts, reading);
    }
}
