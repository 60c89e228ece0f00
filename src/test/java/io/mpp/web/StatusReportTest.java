package io.mpp.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.Endpoint;
import io.mpp.discovery.Locator;
import io.mpp.selection.BackendProbe;
import io.mpp.selection.Candidate;
import io.mpp.selection.RandomStrategy;
import io.mpp.selection.Selector;
import io.mpp.testing.FixedLocator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The report the status page and its JSON are made of, built from a running selector. */
class StatusReportTest {

    private static final Endpoint BUSY = Endpoint.parse("http://busy:9090", "fixed");
    private static final Endpoint HUNG = Endpoint.parse("http://hung:9090", "fixed");
    private static final ObjectMapper JSON = Jackson.newObjectMapper();

    private Selector selector;

    @AfterEach
    void stop() {
        if (selector != null) {
            selector.stop();
        }
    }

    private Selector started(Map<Endpoint, Candidate> probed) throws Exception {
        Locator locator = new FixedLocator(() -> List.copyOf(probed.keySet()));
        BackendProbe probe = endpoint -> CompletableFuture.completedFuture(probed.get(endpoint));
        selector = new Selector(new CompositeLocator(List.of(locator), Clock.systemUTC()), probe, new RandomStrategy(),
                Duration.ofHours(1), Duration.ofSeconds(10), Duration.ofMinutes(2), Clock.systemUTC());
        selector.start(); // the first selection runs before start returns
        return selector;
    }

    @Test
    void busyBackendsServingAreReportedAsBusyNotAsDown() throws Exception {
        String noAnswer = "query 'count(up)': no answer within 2000 ms";
        Selector s = started(Map.of(BUSY, Candidate.busy(BUSY, noAnswer), HUNG, Candidate.down(HUNG, noAnswer)));

        StatusReport report = new StatusReport.Source(s, List.of(), "test", Instant.now(), Clock.systemUTC())
                .report();

        JsonNode json = JSON.readTree(JSON.writeValueAsString(report));
        assertThat(json.get("busy").asBoolean()).isTrue();
        assertThat(json.get("strategySatisfied").asBoolean()).isFalse();
        assertThat(json.get("selected").asInt()).isOne();
        assertThat(json.get("live").asInt()).isZero();
        for (JsonNode c : json.get("candidates")) {
            boolean busy = c.get("endpoint").asText().equals(BUSY.url());
            assertThat(c.get("busy").asBoolean()).as(c.toString()).isEqualTo(busy);
            assertThat(c.get("selected").asBoolean()).as(c.toString()).isEqualTo(busy);
            assertThat(c.get("live").asBoolean()).as(c.toString()).isFalse();
        }
        assertThat(StatusPage.render(report, "")).contains("busy backends serve",
                "<span class=\"dot warn\"></span>busy", "<span class=\"dot bad\"></span>down");
    }
}
