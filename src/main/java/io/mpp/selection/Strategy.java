package io.mpp.selection;

import java.util.List;

/** Decides, from probed candidates, which backends may serve. */
public interface Strategy {

    /** The strategy as configured, e.g. {@code random} or {@code minimum-history:2h}. */
    String describe();

    /**
     * Chooses the serving backends among the live candidates. Must not block: everything it needs was measured by
     * the probes.
     *
     * @return the serving backends; empty when none qualifies
     */
    List<Candidate> choose(List<Candidate> live);
}
