package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpp.discovery.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategiesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    static Candidate candidate(String url, Reading samples, Reading oldest) {
        return Candidate.live(Endpoint.parse(url, "test"), new BackendFacts(samples, oldest));
    }

    static Candidate withSamples(String url, double samples) {
        return candidate(url, Reading.of(BackendFacts.SAMPLES_2X, samples), Reading.missing("n/a"));
    }

    static Candidate withHistory(String url, Duration history) {
        return candidate(url, Reading.missing("n/a"),
                Reading.of(BackendFacts.OLDEST_2X, NOW.minus(history).getEpochSecond()));
    }

    static List<Candidate> measured(Strategy strategy, Candidate... candidates) {
        return java.util.Arrays.stream(candidates).map(c -> c.withMeasured(strategy.measure(c, NOW))).toList();
    }

    static List<String> urls(List<Candidate> chosen) {
        return chosen.stream().map(c -> c.endpoint().url()).toList();
    }

    @Test
    void singleMostDataPicksTheLargest() {
        Strategy s = new SingleMostDataStrategy();
        List<Candidate> live = measured(s, withSamples("http://a:9090", 10), withSamples("http://b:9090", 30),
                withSamples("http://c:9090", 20));
        assertThat(urls(s.choose(live))).containsExactly("http://b:9090");
    }

    @Test
    void singleMostDataBreaksTiesByUrlWhateverTheOrder() {
        Strategy s = new SingleMostDataStrategy();
        assertThat(urls(s.choose(measured(s, withSamples("http://z:9090", 5), withSamples("http://m:9090", 5)))))
                .containsExactly("http://m:9090");
        assertThat(urls(s.choose(measured(s, withSamples("http://m:9090", 5), withSamples("http://z:9090", 5)))))
                .containsExactly("http://m:9090");
    }

    @Test
    void singleMostDataTakesCountsWithinOnePercentOfTheMostForATieSoEqualReplicasDoNotTakeTurns() {
        Strategy s = new SingleMostDataStrategy();
        // Replicas that started together: the lead changes with each scrape, the choice does not.
        for (long ahead : List.of(0L, 500L, 9_900L)) {
            assertThat(urls(s.choose(measured(s, withSamples("http://z:9090", 1_000_000 + ahead),
                    withSamples("http://m:9090", 1_000_000)))))
                    .as("z ahead by %d", ahead).containsExactly("http://m:9090");
        }
        assertThat(urls(s.choose(measured(s, withSamples("http://z:9090", 1_011_000),
                withSamples("http://m:9090", 1_000_000))))).as("more than 1% ahead").containsExactly("http://z:9090");
        assertThat(urls(s.choose(measured(s, withSamples("http://a:9090", 500_000),
                withSamples("http://z:9090", 1_000_000), withSamples("http://m:9090", 995_000)))))
                .as("within 1% of the most, not of each other").containsExactly("http://m:9090");
        assertThat(urls(s.choose(measured(s, withSamples("http://a:9090", -10), withSamples("http://b:9090", -5)))))
                .as("a broken exporter's negative counts still rank").containsExactly("http://b:9090");
    }

    @Test
    void singleMostDataRanksFreshPrometheus2ReplicasAtZero() {
        Strategy s = new SingleMostDataStrategy();
        BackendFacts fresh = BackendFacts.from(Exposition.parse("prometheus_tsdb_lowest_timestamp_seconds 9.2e+15\n"));
        Candidate freshZ = Candidate.live(Endpoint.parse("http://z:9090", "test"), fresh);
        Candidate freshM = Candidate.live(Endpoint.parse("http://m:9090", "test"), fresh);
        assertThat(urls(s.choose(measured(s, freshZ, freshM)))).as("all fresh: a tie, the lowest URL serves")
                .containsExactly("http://m:9090");
        assertThat(urls(s.choose(measured(s, freshM, withSamples("http://z:9090", 1)))))
                .containsExactly("http://z:9090");
    }

    @Test
    void singleMostDataSkipsUnrankableAndChoosesNoneWhenNoneIsRankable() {
        Strategy s = new SingleMostDataStrategy();
        Candidate noMetric = candidate("http://a:9090", Reading.missing("exposes neither"), Reading.missing("x"));
        List<Candidate> live = measured(s, noMetric, withSamples("http://b:9090", 1));
        assertThat(live.get(0).measured().missing()).isEqualTo("exposes neither");
        assertThat(urls(s.choose(live))).containsExactly("http://b:9090");
        assertThat(s.choose(measured(s, noMetric))).isEmpty();
    }

    @Test
    void minimumHistoryKeepsEveryBackendOldEnough() {
        Strategy s = new MinimumHistoryStrategy(Duration.ofHours(2));
        List<Candidate> live = measured(s, withHistory("http://b:9090", Duration.ofHours(3)),
                withHistory("http://a:9090", Duration.ofHours(2)), withHistory("http://c:9090", Duration.ofMinutes(90)));
        assertThat(urls(s.choose(live))).containsExactly("http://a:9090", "http://b:9090");
        assertThat(live.get(0).measured()).isEqualTo(Reading.of(MinimumHistoryStrategy.SOURCE, 3 * 3600));
    }

    @Test
    void minimumHistoryOfAnEmptyTsdbIsZero() {
        Strategy s = new MinimumHistoryStrategy(Duration.ofSeconds(1));
        // An empty TSDB reports math.MaxInt64 milliseconds as its lowest timestamp.
        Candidate empty = candidate("http://a:9090", Reading.missing("n/a"),
                Reading.of(BackendFacts.OLDEST_2X, 9.223372036854776e15));
        List<Candidate> live = measured(s, empty);
        assertThat(live.get(0).measured().value()).isZero();
        assertThat(s.choose(live)).isEmpty();
    }

    @Test
    void minimumHistoryWithoutTheMetricIsNotRankedAndSaysWhy() {
        Strategy s = new MinimumHistoryStrategy(Duration.ofSeconds(1));
        Candidate old = candidate("http://a:9090", Reading.missing("n/a"), Reading.missing("does not expose it"));
        List<Candidate> live = measured(s, old);
        assertThat(live.get(0).measured().missing()).isEqualTo("does not expose it");
        assertThat(s.choose(live)).isEmpty();
    }

    @Test
    void parsesTheOriginalSyntax() {
        assertThat(RoutingStrategies.parse("single-most-data")).isInstanceOf(SingleMostDataStrategy.class);
        assertThat(RoutingStrategies.parse(" Random ")).isInstanceOf(RandomStrategy.class);
        assertThat(((MinimumHistoryStrategy) RoutingStrategies.parse("minimum-history:90s")).minimum())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(((MinimumHistoryStrategy) RoutingStrategies.parse("minimum-history:2h30m")).minimum())
                .isEqualTo(Duration.ofMinutes(150));
        assertThat(((MinimumHistoryStrategy) RoutingStrategies.parse("minimum-history: 7d")).minimum())
                .isEqualTo(Duration.ofDays(7));
        assertThat(RoutingStrategies.parse("minimum-history:2h30m").describe()).isEqualTo("minimum-history:2h30m");
        assertThat(RoutingStrategies.parse("minimum-history:7d").describe()).isEqualTo("minimum-history:7d");
    }

    @Test
    void badSpecsAreNamed() {
        assertThatThrownBy(() -> RoutingStrategies.parse("most-data"))
                .hasMessageContaining("unknown routing strategy 'most-data'")
                .hasMessageContaining("single-most-data, minimum-history:<duration>, random");
        assertThatThrownBy(() -> RoutingStrategies.parse("minimum-history"))
                .hasMessageContaining("needs a duration");
        assertThatThrownBy(() -> RoutingStrategies.parse("minimum-history:2 hours"))
                .hasMessageContaining("routing strategy 'minimum-history:2 hours'")
                .hasMessageContaining("is not a duration such as");
        assertThatThrownBy(() -> RoutingStrategies.parse("minimum-history:0"))
                .hasMessageContaining("positive duration");
        assertThatThrownBy(() -> RoutingStrategies.parse("random:1"))
                .hasMessageContaining("takes no argument");
        assertThatThrownBy(() -> RoutingStrategies.parse(""))
                .hasMessageContaining("unknown routing strategy ''");
    }
}
