package io.mpp.selection;

import java.util.List;

/** {@code random}: every live backend serves; each request picks one at random. */
public final class RandomStrategy implements Strategy {

    @Override
    public String describe() {
        return "random";
    }

    @Override
    public List<Candidate> choose(List<Candidate> live) {
        return live;
    }
}
