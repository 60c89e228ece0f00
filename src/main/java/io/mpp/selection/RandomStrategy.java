package io.mpp.selection;

import java.time.Instant;
import java.util.List;

/** {@code random}: every live backend serves; each request picks one at random. */
public final class RandomStrategy implements Strategy {

    private static final Reading NOT_COMPARED = Reading.missing("random compares nothing");

    @Override
    public String describe() {
        return "random";
    }

    @Override
    public String measures() {
        return "nothing: every live backend serves";
    }

    @Override
    public Reading measure(Candidate candidate, Instant now) {
        return NOT_COMPARED;
    }

    @Override
    public List<Candidate> choose(List<Candidate> live) {
        return live;
    }
}
