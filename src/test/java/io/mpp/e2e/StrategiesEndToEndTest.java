package io.mpp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.Await;
import io.mpp.testing.MppServer;
import io.mpp.testing.PrometheusProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The strategies on real Prometheus servers: who serves follows what the replicas hold. */
class StrategiesEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String servedBy(MppServer mpp) throws Exception {
        HttpResponse<String> r = get(mpp.url() + "/api/v1/query?query=up");
        return r.statusCode() == 200 ? r.headers().firstValue("MPP.ServedBy").orElse(null) : null;
    }

    /** A number Prometheus computes about itself, through its own query API; NaN while it has none. */
    private static double scalar(PrometheusProcess p, String promql) throws Exception {
        String body = get(p.url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
        Matcher m = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN; // NaN: not scraped yet
    }

    private MppServer mpp(String strategy, PrometheusProcess... backends) throws Exception {
        Path endpoints = Files.createTempFile(dir, "endpoints", "");
        StringBuilder sb = new StringBuilder();
        for (PrometheusProcess p : backends) {
            sb.append(p.url()).append('\n');
        }
        Files.writeString(endpoints, sb.toString());
        return MppServer.start(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("selection.routingStrategy", strategy),
                ConfigOverride.config("selection.interval", "500ms"));
    }

    @Test
    void singleMostDataServesFromTheReplicaWithMoreSamples() throws Exception {
        try (PrometheusProcess older = PrometheusProcess.start(Files.createDirectories(dir.resolve("older")))) {
            older.awaitSamples();
            // A head start of several scrapes: the newer replica cannot catch up at the same scrape rate.
            Await.until(Duration.ofSeconds(60), "the older replica to hold 5000 samples",
                    () -> scalar(older, "sum(prometheus_tsdb_head_samples_appended_total)") >= 5000);
            try (PrometheusProcess newer = PrometheusProcess.start(Files.createDirectories(dir.resolve("newer")))) {
                newer.awaitSamples();
                Await.until(Duration.ofSeconds(60), "the newer replica to count its samples",
                        () -> !Double.isNaN(scalar(newer, "sum(prometheus_tsdb_head_samples_appended_total)")));
                // The newer one is listed first: a strategy that took the first would pick it.
                try (MppServer mpp = mpp("single-most-data", newer, older)) {
                    // Awaited, not asserted at once: on a loaded machine the first selection may have found the
                    // older replica's probe too slow, and only the newer one live until the next selection.
                    Await.until(Duration.ofSeconds(30), "mpp to serve from the replica with more samples",
                            () -> older.url().equals(servedBy(mpp)));
                    for (int i = 0; i < 30; i++) {
                        assertThat(servedBy(mpp)).isEqualTo(older.url());
                    }
                    // On a loaded machine a query can come back empty: wait for both counts, then compare.
                    String samples = "sum(prometheus_tsdb_head_samples_appended_total)";
                    double[] counts = new double[2];
                    Await.until(Duration.ofSeconds(30), "both replicas to report their sample counts", () -> {
                        counts[0] = scalar(older, samples);
                        counts[1] = scalar(newer, samples);
                        return !Double.isNaN(counts[0]) && !Double.isNaN(counts[1]);
                    });
                    assertThat(counts[0]).isGreaterThan(counts[1]);
                }
            }
        }
    }

    @Test
    void minimumHistoryServesFromTheReplicaWhoseDataReachesBackFarEnough() throws Exception {
        Path historic = Files.createDirectories(dir.resolve("historic"));
        backfill(historic.resolve("data"), Duration.ofHours(3), Duration.ofHours(1));
        try (PrometheusProcess old = PrometheusProcess.start(historic);
             PrometheusProcess fresh = PrometheusProcess.start(Files.createDirectories(dir.resolve("fresh")))) {
            old.awaitSamples();
            fresh.awaitSamples();
            assertThat(scalar(old, "prometheus_tsdb_lowest_timestamp_seconds"))
                    .as("the backfilled replica's oldest sample")
                    .isLessThanOrEqualTo(Instant.now().minus(Duration.ofMinutes(170)).getEpochSecond());

            try (MppServer mpp = mpp("minimum-history:2h30m", fresh, old)) {
                // Awaited for the same reason as above: with the old replica's probe slow, the fresh one serves.
                Await.until(Duration.ofSeconds(30), "mpp to serve from the replica with enough history",
                        () -> old.url().equals(servedBy(mpp)));
                for (int i = 0; i < 30; i++) {
                    assertThat(servedBy(mpp)).isEqualTo(old.url());
                }
            }
            // Nobody has a week: every live replica serves rather than none.
            try (MppServer mpp = mpp("minimum-history:7d", fresh, old)) {
                Set<String> seen = new HashSet<>();
                Await.until(Duration.ofSeconds(30), "both replicas to serve", () -> {
                    seen.add(servedBy(mpp));
                    return seen.containsAll(List.of(old.url(), fresh.url()));
                });
            }
        }
    }

    /** Writes TSDB blocks holding one series from {@code from} ago to {@code to} ago, a sample a minute. */
    private void backfill(Path dataDir, Duration from, Duration to) throws Exception {
        Files.createDirectories(dataDir);
        long end = Instant.now().minus(to).getEpochSecond();
        StringBuilder om = new StringBuilder("# TYPE backfilled gauge\n");
        for (long t = Instant.now().minus(from).getEpochSecond(); t <= end; t += 60) {
            om.append("backfilled{source=\"promtool\"} 1 ").append(t).append('\n');
        }
        om.append("# EOF\n");
        Path file = dir.resolve("history.om");
        Files.writeString(file, om);
        String promtool = PrometheusProcess.promtool();
        Process p = new ProcessBuilder(promtool, "tsdb", "create-blocks-from", "openmetrics", file.toString(),
                dataDir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }
}
