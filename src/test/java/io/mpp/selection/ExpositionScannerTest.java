package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpositionScannerTest {

    @Test
    void aBigBodyKeepsOnlyTheWantedMetricsAndNoneOfItsOtherLines() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        write(body, "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines 12\n");
        // Names that start like the wanted ones but are others.
        write(body, "prometheus_tsdb_head_samples_appended_total_other 7\n");
        write(body, "prometheus_tsdb_head_samples_appended_total:rate5m 9\n");
        write(body, "broken_other{a=\"unclosed} 1\n"); // not read: no wanted metric is on it
        write(body, "huge_labels{a=\"" + "x".repeat(2 * 1024 * 1024) + "\"} 1\n");
        int other = 0;
        while (body.size() < 15 * 1024 * 1024) {
            write(body, "prometheus_target_interval_length_seconds{interval=\"15s\",pool=\"job-" + other++
                    + "\",quantile=\"0.99\"} 15.000123e+00\n");
        }
        write(body, "# TYPE prometheus_tsdb_head_samples_appended_total counter\n");
        write(body, "prometheus_tsdb_head_samples_appended_total{type=\"float\"} 1000\n");
        write(body, "  prometheus_tsdb_head_samples_appended_total{type=\"histogram\"} 5 1700000000000\r\n");
        while (body.size() < 30 * 1024 * 1024) {
            write(body, "prometheus_tsdb_lowest_timestamp_seconds_x{pool=\"job-" + other++ + "\"} NaN\n");
        }
        write(body, "prometheus_tsdb_lowest_timestamp_seconds 1.7e+09"); // the last line, without a line feed
        ByteBuffer direct = ByteBuffer.allocateDirect(body.size()).put(body.toByteArray()).flip();

        ExpositionScanner scanner = new ExpositionScanner(BackendFacts.METRICS);
        // Odd chunks, as the network delivers them: lines and UTF-8 sequences span chunks.
        for (int at = 0; at < direct.limit(); at += 8191) {
            scanner.feed(direct.slice(at, Math.min(8191, direct.limit() - at)));
        }
        Exposition.Parsed parsed = scanner.finish();

        assertThat(parsed.families()).containsOnly(
                Map.entry(BackendFacts.SAMPLES_2X, new Exposition.Family(2, 1005)),
                Map.entry(BackendFacts.OLDEST_2X, new Exposition.Family(1, 1.7e9)));
        assertThat(parsed.errorCount()).isZero();
        assertThat(scanner.lineCapacity()).isLessThanOrEqualTo(1024);
        BackendFacts facts = BackendFacts.from(parsed);
        assertThat(facts.samples()).isEqualTo(Reading.of(BackendFacts.SAMPLES_2X, 1005));
        assertThat(facts.oldestData()).isEqualTo(Reading.of(BackendFacts.OLDEST_2X, 1.7e9));
    }

    @Test
    void chunksOfOneByteReadAsTheWholeText() {
        String text = "# HELP c counter\r\nc_total{a=\"é \\\"}\\\" ,\"} 17 # {trace_id=\"x y\"} 1 1.5\r\n"
                + "c_total{a=\"ü\"} +Inf 1700000000000\r\n\r\n  other 3\nc_total{a=\"} 4\nc_total\n# EOF\r\n";
        ExpositionScanner scanner = new ExpositionScanner(Set.of("c_total"));
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            scanner.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        Exposition.Parsed parsed = scanner.finish();

        assertThat(parsed.families()).containsOnly(
                Map.entry("c_total", new Exposition.Family(2, Double.POSITIVE_INFINITY)));
        assertThat(parsed.errors()).containsExactly("line 6: value of label 'a' is not closed with '\"'",
                "line 7: sample of 'c_total' has no value");
    }

    @Test
    void aBodyThatIsNoExpositionSaysSoWithBoundedErrors() {
        StringBuilder page = new StringBuilder("<html>\n<body>\n");
        for (int i = 0; i < 1000; i++) {
            page.append("<p>").append(i).append("</p>\n");
        }
        ExpositionScanner scanner = new ExpositionScanner(BackendFacts.METRICS);
        scanner.feed(ByteBuffer.wrap(page.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8)));
        Exposition.Parsed parsed = scanner.finish();

        assertThat(parsed.families()).isEmpty();
        assertThat(parsed.errorCount()).isEqualTo(1003);
        assertThat(parsed.errors()).hasSize(Exposition.MAX_ERRORS)
                .first().isEqualTo("line 1: expected a metric name at '<html>'");
        assertThat(BackendFacts.from(parsed).samples().missing())
                .contains("1003 unreadable line(s), first: line 1: expected a metric name at '<html>'");
    }

    @Test
    void aWantedLineLongerThanTheLimitIsReportedNotHeld() {
        ExpositionScanner scanner = new ExpositionScanner(BackendFacts.METRICS);
        scanner.feed(ByteBuffer.wrap((BackendFacts.OLDEST_2X + "{a=\"" + "x".repeat(Exposition.MAX_LINE) + "\"} 1\n"
                + BackendFacts.SAMPLES_2X + " 3\n").getBytes(StandardCharsets.UTF_8)));
        Exposition.Parsed parsed = scanner.finish();

        assertThat(parsed.families()).containsOnlyKeys(BackendFacts.SAMPLES_2X);
        assertThat(parsed.errors()).containsExactly("line 1: longer than " + Exposition.MAX_LINE + " bytes");
        assertThat(scanner.lineCapacity()).isLessThanOrEqualTo(Exposition.MAX_LINE);
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
