package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackendFactsTest {

    @Test
    void prometheus2SamplesAndOldestData() {
        BackendFacts facts = BackendFacts.from(Exposition.parse("""
                prometheus_tsdb_head_samples_appended_total{type="float"} 1000
                prometheus_tsdb_head_samples_appended_total{type="histogram"} 5
                prometheus_tsdb_lowest_timestamp_seconds 1.7e+09
                """));
        assertThat(facts.samples()).isEqualTo(Reading.of(BackendFacts.SAMPLES_2X, 1005));
        assertThat(facts.oldestData()).isEqualTo(Reading.of(BackendFacts.OLDEST_2X, 1.7e9));
    }

    @Test
    void prometheus1Samples() {
        BackendFacts facts = BackendFacts.from(Exposition.parse(
                "prometheus_local_storage_ingested_samples_total 4.2e+07\n"));
        assertThat(facts.samples()).isEqualTo(Reading.of(BackendFacts.SAMPLES_1X, 4.2e7));
        assertThat(facts.oldestData().present()).isFalse();
        assertThat(facts.oldestData().missing()).contains("does not expose prometheus_tsdb_lowest_timestamp_seconds");
    }

    @Test
    void neitherMetricSaysWhy() {
        BackendFacts facts = BackendFacts.from(Exposition.parse("go_goroutines 12\n"));
        assertThat(facts.samples().present()).isFalse();
        assertThat(facts.samples().missing()).contains("exposes neither prometheus_tsdb_head_samples_appended_total",
                "prometheus_local_storage_ingested_samples_total");
    }

    @Test
    void aPrometheus2ThatAppendedNothingYetHasIngestedZeroSamples() {
        // What Prometheus 2.42 serves until its first append: no samples counter at all, the TSDB's lowest timestamp.
        BackendFacts facts = BackendFacts.from(Exposition.parse("""
                # HELP prometheus_tsdb_lowest_timestamp_seconds Lowest timestamp value stored in the database.
                # TYPE prometheus_tsdb_lowest_timestamp_seconds gauge
                prometheus_tsdb_lowest_timestamp_seconds 9.223372036854776e+15
                """));
        assertThat(facts.samples()).isEqualTo(Reading.of(BackendFacts.SAMPLES_2X, 0));
        assertThat(facts.oldestData()).isEqualTo(Reading.of(BackendFacts.OLDEST_2X, 9.223372036854776e15));
    }

    @Test
    void anUnreadableLineIsNotTakenForAFreshPrometheus2() {
        BackendFacts facts = BackendFacts.from(Exposition.parse("""
                prometheus_tsdb_head_samples_appended_total{type="float} 1000
                prometheus_tsdb_lowest_timestamp_seconds 1.7e+09
                """));
        assertThat(facts.samples().present()).isFalse();
        assertThat(facts.samples().missing()).contains("1 unreadable line(s), first: line 1:");
    }

    @Test
    void unreadableLinesAreNamedWhenTheMetricIsMissing() {
        BackendFacts facts = BackendFacts.from(Exposition.parse("ok 1\nprometheus_tsdb_head_samples_appended_total{x=\"} 3\n"));
        assertThat(facts.samples().missing()).contains("1 unreadable line(s), first: line 2:");
    }

    @Test
    void nanValueIsNotAValue() {
        BackendFacts facts = BackendFacts.from(Exposition.parse("prometheus_tsdb_head_samples_appended_total NaN\n"));
        assertThat(facts.samples().missing()).isEqualTo("prometheus_tsdb_head_samples_appended_total is NaN");
    }

    @Test
    void anInfiniteValueIsNotAValue() {
        BackendFacts facts = BackendFacts.from(Exposition.parse("prometheus_tsdb_head_samples_appended_total +Inf\n"
                + "prometheus_tsdb_lowest_timestamp_seconds -Inf\n"));
        assertThat(facts.samples().missing()).isEqualTo("prometheus_tsdb_head_samples_appended_total is +Inf");
        assertThat(facts.oldestData().missing()).isEqualTo("prometheus_tsdb_lowest_timestamp_seconds is -Inf");
    }
}
