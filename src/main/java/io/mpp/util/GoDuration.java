package io.mpp.util;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in the Go syntax the original's settings use ({@code 10s}, {@code 1m30s}, {@code 250ms}, {@code 2h}),
 * plus days ({@code 7d}) for history lengths.
 */
public final class GoDuration {

    /** Go's number: digits with an optional fraction ({@code 1.5}, {@code 1.}) or a fraction alone ({@code .5}). */
    private static final Pattern PART =
            Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h|d)");
    public static final String ACCEPTED = "a duration such as 500ms, 10s, 1m30s, 2h or 7d";

    private GoDuration() {
    }

    /** @throws IllegalArgumentException naming the text and what is accepted */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration; expected " + ACCEPTED);
        }
        String stripped = text.strip();
        // Go takes one leading sign for the whole duration; a negative one is no timeout or interval.
        String s = stripped.startsWith("+") ? stripped.substring(1) : stripped;
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        BigDecimal nanos = BigDecimal.ZERO; // exact, as Go's: in doubles 1.001s came out 1 ns short
        while (at < s.length() || at == 0) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("'" + stripped + "' is not " + ACCEPTED);
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + stripped + "' is too long a duration");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** Formats like Go: 1m30s, 250ms, 2h0m0s is shortened to 2h. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toNanos() < 1_000_000) { // under 1 ms, where "0ms" would say nothing
            return d.toNanos() % 1000 == 0 ? d.toNanos() / 1000 + "us" : d.toNanos() + "ns";
        }
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        if (days > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
            return days + "d";
        }
        long hours = d.toHours();
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || d.toMillisPart() > 0) {
            sb.append(d.toSecondsPart());
            if (d.toMillisPart() > 0) {
                sb.append('.').append(String.format("%03d", d.toMillisPart()).replaceAll("0+$", ""));
            }
            sb.append('s');
        }
        return sb.toString();
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L; // micro sign and Greek mu: Go takes both
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    /** @throws IllegalArgumentException naming the setting when {@code value} is below {@code minimum} */
    public static Duration atLeast(String name, Duration value, Duration minimum) {
        if (value.compareTo(minimum) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + format(minimum) + ", got "
                    + format(value));
        }
        return value;
    }
}
