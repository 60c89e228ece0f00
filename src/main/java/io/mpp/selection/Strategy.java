package io.mpp.selection;

import java.time.Instant;
import java.util.List;

/** Decides, from probed candidates, which backends may serve. Must not block: the probes measured everything. */
public interface Strategy {

    /** The strategy as configured, e.g. {@code random} or {@code minimum-history:2h}. */
    String describe();

    /** What {@link #measure} compares, in words for the status page, e.g. the metric a value comes from. */
    String measures();

    /** The value this strategy compares a live candidate by, or why it cannot be ranked. */
    Reading measure(Candidate candidate, Instant now);

    /**
     * Chooses the serving backends among the live candidates, each carrying its {@link Candidate#measured()} value.
     *
     * @return the serving backends, in a stable order; empty when none qualifies
     */
    List<Candidate> choose(List<Candidate> live);
}
