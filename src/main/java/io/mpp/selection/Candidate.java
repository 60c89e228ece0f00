package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.time.Instant;

/**
 * A discovered backend with what its probe found at one selection.
 *
 * @param live      whether it answered a query within the probe timeout
 * @param answering whether it answered any of its probe's requests over HTTP in time, if only with an error: one
 *                  that answers nothing is hung or gone, one that does is at most busy or broken. Requests waiting
 *                  on a backend are moved elsewhere only when it answers nothing
 * @param busy      not live only because its query found no time (it waits in line in a full query engine) while
 *                  it answered {@code /metrics}: when no backend is live, the busy ones serve
 * @param error     why it is not live; null when it is
 * @param facts     what its {@code /metrics} said (each reading says why when it could not be measured)
 * @param measured  the value the strategy compares, or why the backend could not be ranked; set by the selector
 * @param liveSince since when selections have found it live without a break; null when it is down. Set by the
 *                  selector, which knows the previous selection
 */
public record Candidate(Endpoint endpoint, boolean live, boolean answering, boolean busy, String error,
                        BackendFacts facts, Reading measured, Instant liveSince) {

    private static final Reading NOT_MEASURED = Reading.missing("not measured yet");

    public static Candidate live(Endpoint endpoint, BackendFacts facts) {
        return new Candidate(endpoint, true, true, false, null, facts, NOT_MEASURED, null);
    }

    /** Not live, and it answered nothing in time. */
    public static Candidate down(Endpoint endpoint, String error) {
        return down(endpoint, false, error);
    }

    /** Not live; {@code answering} when it answered a probe's request all the same (an error, or /metrics). */
    public static Candidate down(Endpoint endpoint, boolean answering, String error) {
        return new Candidate(endpoint, false, answering, false, error, BackendFacts.unknown("backend is down"),
                Reading.missing("backend is down: " + error), null);
    }

    /** Not live: its query found no time within the probe timeout, while its /metrics answered. */
    public static Candidate busy(Endpoint endpoint, String error) {
        return new Candidate(endpoint, false, true, true, error, BackendFacts.unknown("backend is busy"),
                Reading.missing("backend is busy: " + error), null);
    }

    public Candidate withMeasured(Reading reading) {
        return new Candidate(endpoint, live, answering, busy, error, facts, reading, liveSince);
    }

    public Candidate withLiveSince(Instant since) {
        return new Candidate(endpoint, live, answering, busy, error, facts, measured, since);
    }
}
