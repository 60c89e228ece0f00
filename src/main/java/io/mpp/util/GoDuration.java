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
    private static final Duration ONE_MILLISECOND = Duration.ofMillis(1);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

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

    /**
     * Formats like Go, to the nanosecond: 1m30s, 250ms, 1.5ms, 1.0005s; 2h0m0s is shortened to 2h, whole days are
     * 7d. Under a millisecond, in whole microseconds ({@code 500us}) or else nanoseconds ({@code 1500ns}).
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.compareTo(ONE_MILLISECOND) < 0) { // where "0ms" would say nothing
            return d.toNanos() % 1000 == 0 ? d.toNanos() / 1000 + "us" : d.toNanos() + "ns";
        }
        if (d.compareTo(ONE_SECOND) < 0) {
            return d.toMillis() + fraction(d.toNanosPart() % 1_000_000, 6) + "ms";
        }
        long days = d.toDays();
        if (days > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0
                && d.toNanosPart() == 0) {
            return days + "d";
        }
        StringBuilder sb = new StringBuilder();
        long hours = d.toHours();
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || d.toNanosPart() > 0) {
            sb.append(d.toSecondsPart()).append(fraction(d.toNanosPart(), 9)).append('s');
        }
        return sb.toString();
    }

    /** ".5" for 500 of 3 digits; empty for 0. */
    private static String fraction(long value, int digits) {
        if (value == 0) {
            return "";
        }
        String padded = String.format("%0" + digits + "d", value);
        int end = padded.length();
        while (padded.charAt(end - 1) == '0') {
            end--;
        }
        return "." + padded.substring(0, end);
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
