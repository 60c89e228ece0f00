package io.mpp.web;

import io.mpp.discovery.CompositeLocator;
import io.mpp.selection.Candidate;
import io.mpp.selection.Reading;
import io.mpp.selection.Selection;
import io.mpp.selection.Selector;
import io.mpp.util.GoDuration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code /mpp/status} shows, as served in JSON. Times are ISO-8601 UTC strings; durations are seconds.
 *
 * @param selectedAt        when the probes behind the selection in force ran
 * @param strategySatisfied false when no live backend met the strategy and every live one serves instead, or when
 *                          busy ones serve
 * @param busy              true when no backend is live and busy ones (their query found no time in the probe
 *                          timeout, their {@code /metrics} answered) serve
 */
public record StatusReport(String version, String startedAt, long uptimeSeconds, String strategy, String measures,
                           String selectionInterval, long selectionIntervalSeconds, List<String> affinityOptions,
                           String selectedAt, boolean strategySatisfied, boolean busy, int selected, int live,
                           List<LocatorRow> locators, List<CandidateRow> candidates) {

    /** One locator: how many endpoints it gave, when it last answered, its error and what it skipped. */
    public record LocatorRow(String name, int endpoints, String lastSuccess, String lastAttempt, String error,
                             String warning) {
    }

    /**
     * One discovered backend.
     *
     * @param busy            its probe found it busy, not down: its query found no time, its /metrics answered.
     *                        Busy backends serve while none is live
     * @param liveSince       since when it has been live without a break; null when down
     * @param uptimeSeconds   seconds since {@code liveSince}; null when down
     * @param measured        the strategy's value for it; null when it could not be measured
     * @param measuredSource  the metric the value comes from
     * @param measuredMissing why there is no value
     * @param error           why it is down or busy, or null
     */
    public record CandidateRow(String endpoint, String locator, boolean selected, boolean live, boolean busy,
                               String liveSince, Long uptimeSeconds, Double measured, String measuredSource,
                               String measuredMissing, String error) {
    }

    /** Builds reports from the running selector. */
    public static final class Source {
        private final Selector selector;
        private final List<String> affinityOptions;
        private final String version;
        private final Instant started;
        private final Clock clock;

        public Source(Selector selector, List<String> affinityOptions, String version, Instant started, Clock clock) {
            this.selector = selector;
            this.affinityOptions = List.copyOf(affinityOptions);
            this.version = version;
            this.started = started;
            this.clock = clock;
        }

        public StatusReport report() {
            Instant now = clock.instant();
            Selection s = selector.current();
            List<LocatorRow> locators = selector.locator().states().stream().map(StatusReport::row).toList();
            List<CandidateRow> candidates = s.candidates().stream().map(c -> row(c, s, now)).toList();
            Duration interval = selector.interval();
            return new StatusReport(version, started.toString(), Duration.between(started, now).toSeconds(),
                    selector.strategy().describe(), selector.strategy().measures(), GoDuration.format(interval),
                    Math.max(1, interval.toSeconds()), affinityOptions, s.at().toString(), s.satisfied(), s.busy(),
                    s.serving().size(), s.probedLiveCount(), locators, candidates);
        }
    }

    private static LocatorRow row(CompositeLocator.LocatorState state) {
        return new LocatorRow(state.name(), state.endpoints().size(), text(state.lastSuccess()),
                text(state.lastAttempt()), state.lastError(), state.warning());
    }

    private static CandidateRow row(Candidate c, Selection s, Instant now) {
        boolean live = s.probedLive(c.endpoint());
        String error = c.error();
        if (c.live() && !live) {
            error = "failed a request: out of rotation until a selection finds it live again";
        }
        Instant since = live ? c.liveSince() : null;
        Reading m = c.measured();
        return new CandidateRow(c.endpoint().url(), c.endpoint().locator(), s.serving().contains(c.endpoint()), live,
                c.busy(), text(since), since == null ? null : Math.max(0, Duration.between(since, now).toSeconds()),
                m.present() ? m.value() : null, m.source(), live ? m.missing() : null, error);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
