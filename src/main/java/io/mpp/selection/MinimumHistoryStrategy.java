package io.mpp.selection;

import io.mpp.util.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * {@code minimum-history:D}: the live backends whose oldest sample is at least D old serve; each request picks one
 * at random. The value compared is the history in seconds.
 */
public final class MinimumHistoryStrategy implements Strategy {

    static final String SOURCE = "history_seconds";

    private final Duration minimum;

    public MinimumHistoryStrategy(Duration minimum) {
        if (minimum.isNegative() || minimum.isZero()) {
            throw new IllegalArgumentException("minimum-history needs a positive duration, got "
                    + GoDuration.format(minimum));
        }
        this.minimum = minimum;
    }

    public Duration minimum() {
        return minimum;
    }

    @Override
    public String describe() {
        return "minimum-history:" + GoDuration.format(minimum);
    }

    @Override
    public String measures() {
        return "how far the data reaches back, in seconds (now minus " + BackendFacts.OLDEST_2X + "); at least "
                + GoDuration.format(minimum) + " serves";
    }

    @Override
    public Reading measure(Candidate candidate, Instant now) {
        Reading oldest = candidate.facts().oldestData();
        if (!oldest.present()) {
            return oldest;
        }
        // An empty TSDB reports a lowest timestamp far in the future: that is no history at all.
        double seconds = now.toEpochMilli() / 1000.0 - oldest.value();
        return Reading.of(SOURCE, Math.max(0, seconds));
    }

    @Override
    public List<Candidate> choose(List<Candidate> live) {
        double needed = minimum.toMillis() / 1000.0;
        return live.stream()
                .filter(c -> c.measured().present() && c.measured().value() >= needed)
                .sorted(Comparator.comparing(c -> c.endpoint().url()))
                .toList();
    }
}
