package io.mpp.selection;

/**
 * A number measured on a backend, or why it could not be measured. Shown on the status page next to the backend.
 *
 * @param source  where the value came from (a metric name), or null when missing
 * @param value   the value; NaN when missing
 * @param missing why there is no value; null when there is one
 */
public record Reading(String source, double value, String missing) {

    public static Reading of(String source, double value) {
        return new Reading(source, value, null);
    }

    public static Reading missing(String why) {
        return new Reading(null, Double.NaN, why);
    }

    public boolean present() {
        return missing == null;
    }

    @Override
    public String toString() {
        return present() ? source + "=" + value : "(" + missing + ")";
    }
}
