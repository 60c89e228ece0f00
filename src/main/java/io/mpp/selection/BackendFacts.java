package io.mpp.selection;

import java.util.List;
import java.util.Set;

/**
 * What a backend's own {@code /metrics} says about the data it holds.
 *
 * @param samples     ingested samples since the backend started (the sum over the metric's series)
 * @param oldestData  the timestamp, in Unix seconds, of the oldest sample it holds
 */
public record BackendFacts(Reading samples, Reading oldestData) {

    /** Prometheus 2.x; one series per sample type in newer versions. */
    public static final String SAMPLES_2X = "prometheus_tsdb_head_samples_appended_total";
    /** Prometheus 1.x. */
    public static final String SAMPLES_1X = "prometheus_local_storage_ingested_samples_total";
    /** Prometheus 2.x: the lowest timestamp over its blocks and head; far in the future while the TSDB is empty. */
    public static final String OLDEST_2X = "prometheus_tsdb_lowest_timestamp_seconds";
    /** Every metric the facts are read from: the probe keeps no others of a backend's {@code /metrics}. */
    public static final Set<String> METRICS = Set.of(SAMPLES_2X, SAMPLES_1X, OLDEST_2X);

    public static BackendFacts unknown(String why) {
        Reading missing = Reading.missing(why);
        return new BackendFacts(missing, missing);
    }

    /** Reads the facts from a parsed {@code /metrics}; a metric that is absent gives a reading that says so. */
    public static BackendFacts from(Exposition.Parsed metrics) {
        // A fresh 2.x has ingested nothing, which ranks as 0, not as unknown.
        Reading samples = freshTsdb(metrics) ? Reading.of(SAMPLES_2X, 0)
                : firstPresent(metrics, List.of(SAMPLES_2X, SAMPLES_1X),
                        "exposes neither " + SAMPLES_2X + " (Prometheus 2.x) nor " + SAMPLES_1X + " (1.x)");
        Reading oldest = firstPresent(metrics, List.of(OLDEST_2X),
                "does not expose " + OLDEST_2X + " (Prometheus 1.x does not say how far its data reaches back)");
        return new BackendFacts(samples, oldest);
    }

    /**
     * Whether the backend is a Prometheus 2.x that has appended no sample yet. Its samples counter has one series per
     * sample type, each made at the first append of its type, so until then the metric is absent altogether; the
     * lowest timestamp, a plain gauge, is there from the start. With an unreadable line among these metrics the
     * counter may be on it, and then it is not absent: the reading says so instead.
     */
    private static boolean freshTsdb(Exposition.Parsed metrics) {
        return !metrics.has(SAMPLES_2X) && !metrics.has(SAMPLES_1X) && metrics.has(OLDEST_2X)
                && metrics.errors().isEmpty();
    }

    private static Reading firstPresent(Exposition.Parsed metrics, List<String> names, String absent) {
        for (String name : names) {
            if (metrics.has(name)) {
                double value = metrics.sum(name);
                // An infinite count would outrank every real one, and JSON has no number for it.
                return Double.isFinite(value) ? Reading.of(name, value)
                        : Reading.missing(name + " is " + (Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf"));
            }
        }
        if (!metrics.errors().isEmpty()) {
            // The metric may be on a line we could not read: say so, it is the likelier cause.
            return Reading.missing(absent + "; " + metrics.errorCount() + " unreadable line(s), first: "
                    + metrics.errors().get(0));
        }
        return Reading.missing(absent);
    }
}
