package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck;
import io.mpp.discovery.Endpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionHealthCheckTest {

    private static final Endpoint A = Endpoint.parse("http://a:9090", "file:test");
    private static final Endpoint B = Endpoint.parse("http://b:9090", "file:test");

    private static HealthCheck.Result check(Selection selection) {
        SelectionSource source = new SelectionSource() {
            @Override
            public Selection current() {
                return selection;
            }

            @Override
            public void reportFailure(Endpoint backend, long sentAt, String why) {
            }

            @Override
            public void reselectSoon() {
            }
        };
        return new SelectionHealthCheck(source, new SingleMostDataStrategy(), Duration.ofSeconds(10), Clock.systemUTC())
                .execute();
    }

    private static Candidate live(Endpoint e) {
        return Candidate.live(e, BackendFacts.unknown("test"));
    }

    @Test
    void healthyWhileABackendIsSelected() {
        HealthCheck.Result r = check(new Selection(List.of(A), List.of(A, B), List.of(live(A), live(B)),
                Instant.now(), true));
        assertThat(r.isHealthy()).isTrue();
        assertThat(r.getMessage())
                .contains("1 of 2 candidate(s) selected", "single-most-data", "2 live", "http://a:9090");
    }

    @Test
    void healthyButSaysSoWhenBusyBackendsServe() {
        Candidate busy = Candidate.busy(A, "query 'count(up)': no answer within 2000 ms");
        HealthCheck.Result r = check(new Selection(List.of(A), List.of(A), List.of(busy), Instant.now(), false));
        assertThat(r.isHealthy()).isTrue();
        assertThat(r.getMessage()).contains("no backend answered the probe's query in time", "1 busy backend(s)",
                "http://a:9090");
    }

    @Test
    void healthyButSaysSoWhenNoBackendMeetsTheStrategy() {
        HealthCheck.Result r = check(new Selection(List.of(A, B), List.of(A, B), List.of(live(A), live(B)),
                Instant.now(), false));
        assertThat(r.isHealthy()).isTrue();
        assertThat(r.getMessage()).contains("no live backend meets single-most-data", "all 2 live backend(s) serve");
    }

    @Test
    void unhealthyWithNoLiveBackendAndSaysWhyEachIsDown() {
        Selection none = new Selection(List.of(), List.of(), List.of(Candidate.down(A, "query 'count(up)': connection"
                + " refused"), Candidate.down(B, "probe did not finish within 3000 ms")), Instant.now(), false);
        HealthCheck.Result r = check(none);
        assertThat(r.isHealthy()).isFalse();
        assertThat(r.getMessage()).contains("no live backend among 2 candidate(s)", "503",
                "http://a:9090: query 'count(up)': connection refused", "http://b:9090: probe did not finish");
    }

    @Test
    void unhealthyWhenTheOnlyServingBackendJustFailedARequest() {
        Selection s = new Selection(List.of(A), List.of(A), List.of(live(A)), Instant.now(), true).without(A);
        HealthCheck.Result r = check(s);
        assertThat(r.isHealthy()).isFalse();
        assertThat(r.getMessage()).contains("http://a:9090: failed a request since the last selection");
    }

    @Test
    void unhealthyWhenNothingWasFound() {
        HealthCheck.Result r = check(Selection.empty(Instant.now()));
        assertThat(r.isHealthy()).isFalse();
        assertThat(r.getMessage()).contains("found no candidate");
    }

    @Test
    void unhealthyWhenSelectionHasNotRunForSeveralIntervals() {
        Instant now = Instant.now();
        HealthCheck.Result recent = check(new Selection(List.of(A), List.of(A), List.of(live(A)),
                now.minusSeconds(85), true));
        assertThat(recent.isHealthy()).as("within 3 intervals of 10s and a minute").isTrue();
        HealthCheck.Result stuck = check(new Selection(List.of(A), List.of(A), List.of(live(A)),
                now.minusSeconds(312), true));
        assertThat(stuck.isHealthy()).isFalse();
        assertThat(stuck.getMessage()).startsWith("the last selection ran 5m1").contains("it runs every 10s",
                "selection is stuck");
    }
}
