package io.mpp.selection;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * {@code single-most-data}: the one live backend that has ingested the most samples serves everything. Ties go to
 * the lowest URL, so every mpp copy, whatever order its locators list backends in, picks the same one.
 */
public final class SingleMostDataStrategy implements Strategy {

    static final Comparator<Candidate> MOST_FIRST = Comparator
            .comparingDouble((Candidate c) -> c.measured().value()).reversed()
            .thenComparing(c -> c.endpoint().url());

    @Override
    public String describe() {
        return "single-most-data";
    }

    @Override
    public String measures() {
        return "samples ingested since the backend started (" + BackendFacts.SAMPLES_2X + ", or "
                + BackendFacts.SAMPLES_1X + " on Prometheus 1.x); the most serves";
    }

    @Override
    public Reading measure(Candidate candidate, Instant now) {
        return candidate.facts().samples();
    }

    @Override
    public List<Candidate> choose(List<Candidate> live) {
        return live.stream()
                .filter(c -> c.measured().present())
                .min(MOST_FIRST)
                .map(List::of)
                .orElse(List.of());
    }
}
