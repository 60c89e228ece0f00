package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.time.Instant;

/**
 * A discovered backend with what its probe found at one selection.
 *
 * @param live      whether it answered a query within the probe timeout
 * @param error     why it is not live; null when it is
 * @param facts     what its {@code /metrics} said (each reading says why when it could not be measured)
 * @param measured  the value the strategy compares, or why the backend could not be ranked; set by the selector
 * @param liveSince since when selections have found it live without a break; null when it is down. Set by the
 *                  selector, which knows the previous selection
 */
public record Candidate(Endpoint endpoint, boolean live, String error, BackendFacts facts, Reading measured,
                        Instant liveSince) {

    private static final Reading NOT_MEASURED = Reading.missing("not measured yet");

    public static Candidate live(Endpoint endpoint, BackendFacts facts) {
        return new Candidate(endpoint, true, null, facts, NOT_MEASURED, null);
    }

    public static Candidate down(Endpoint endpoint, String error) {
        return new Candidate(endpoint, false, error, BackendFacts.unknown("backend is down"),
                Reading.missing("backend is down: " + error), null);
    }

    public Candidate withMeasured(Reading reading) {
        return new Candidate(endpoint, live, error, facts, reading, liveSince);
    }

    public Candidate withLiveSince(Instant since) {
        return new Candidate(endpoint, live, error, facts, measured, since);
    }
}
