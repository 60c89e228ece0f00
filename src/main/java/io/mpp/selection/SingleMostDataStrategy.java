package io.mpp.selection;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * {@code single-most-data}: the one live backend that has ingested the most samples serves everything. Counts within
 * {@link #TIE} of the highest tie, and ties go to the lowest URL: replicas that started together would otherwise take
 * the lead in turn, one selection each, and every mpp copy, whatever order its locators list backends in and whatever
 * it chose before, picks the same one.
 */
public final class SingleMostDataStrategy implements Strategy {

    /**
     * Counts this close to the highest (a part of it) tie. The count is samples since the process started: replicas
     * whose counts differ by less have been up about as long (within 1%), which is all the count can tell.
     */
    static final double TIE = 0.01;

    private static final Comparator<Candidate> BY_URL = Comparator.comparing(c -> c.endpoint().url());

    @Override
    public String describe() {
        return "single-most-data";
    }

    @Override
    public String measures() {
        return "samples ingested since the backend started (" + BackendFacts.SAMPLES_2X + ", or "
                + BackendFacts.SAMPLES_1X + " on Prometheus 1.x); the most serves, and of counts within 1% of the"
                + " most the lowest URL";
    }

    @Override
    public Reading measure(Candidate candidate, Instant now) {
        return candidate.facts().samples();
    }

    @Override
    public List<Candidate> choose(List<Candidate> live) {
        double most = live.stream().filter(c -> c.measured().present())
                .mapToDouble(c -> c.measured().value()).max().orElse(Double.NaN);
        double tied = most - Math.abs(most) * TIE; // a broken exporter's negative count must not exclude itself
        return live.stream()
                .filter(c -> c.measured().present() && c.measured().value() >= tied)
                .min(BY_URL)
                .map(List::of)
                .orElse(List.of());
    }
}
