package io.mpp.selection;

import io.mpp.util.PeerText;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the Prometheus text exposition format (0.0.4, and the sample lines of OpenMetrics) as a backend's
 * {@code /metrics} serves it. A line that cannot be read is reported with its number and skipped: one odd line must
 * not make a whole backend unrankable.
 *
 * <p>An {@link ExpositionScanner} reads a body as it arrives and keeps only what it was asked for: a backend's own
 * metrics can run to tens of MiB, of which selection needs a handful of series.
 */
public final class Exposition {

    /** Lines of a wanted metric longer than this are reported rather than held: no real sample line comes close. */
    static final int MAX_LINE = 64 * 1024;
    /** Errors kept word for word; more are only counted, so a body of garbage cannot fill the heap with messages. */
    static final int MAX_ERRORS = 10;
    private static final int QUOTE_LIMIT = 120;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+(\\.\\d+)?");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /**
     * What the lines of one metric added up to.
     *
     * @param series how many sample lines it had
     * @param sum    the sum over those that are not NaN (a NaN says "no value", not "infinitely many"); NaN when all
     *               are NaN
     */
    public record Family(int series, double sum) {

        static Family of(double value) {
            return new Family(1, value);
        }

        Family plus(Family other) {
            double total = Double.isNaN(sum) ? other.sum : Double.isNaN(other.sum) ? sum : sum + other.sum;
            return new Family(series + other.series, total);
        }
    }

    /**
     * What a text held of the metrics asked for, and the lines that could not be read: the first
     * {@value #MAX_ERRORS} word for word, and how many in all.
     */
    public record Parsed(Map<String, Family> families, List<String> errors, int errorCount) {

        public Parsed {
            families = Collections.unmodifiableMap(new LinkedHashMap<>(families));
            errors = List.copyOf(errors);
        }

        /** Whether any series of this metric is present. */
        public boolean has(String name) {
            return families.containsKey(name);
        }

        /** The sum over every series of a metric, leaving out NaN series; NaN when absent or only NaN. */
        public double sum(String name) {
            Family family = families.get(name);
            return family == null ? Double.NaN : family.sum();
        }
    }

    private Exposition() {
    }

    /** Reads every metric of a whole text. */
    public static Parsed parse(String text) {
        ExpositionScanner scanner = new ExpositionScanner(null);
        scanner.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        return scanner.finish();
    }

    /** Reads one sample line; throws IllegalArgumentException, saying why, when it is not one. */
    static Sample sample(String line) {
        return new LineReader(line).sample();
    }

    /** Parses a sample value as Go's ParseFloat does for this format: decimals, exponents, NaN, +Inf, -Inf. */
    static double parseValue(String token) {
        String lower = token.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "nan":
                return Double.NaN;
            case "+inf", "inf", "+infinity", "infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        // Java would also take "1f", "2d" or hex floats; the format does not.
        if (!NUMBER.matcher(token).matches()) {
            throw new IllegalArgumentException("'" + abbreviate(token) + "' is not a number");
        }
        return Double.parseDouble(token);
    }

    /** Keeps a quoted piece of a line short enough for a log line or the status page. */
    private static String abbreviate(String text) {
        return PeerText.oneLine(text, QUOTE_LIMIT);
    }

    static boolean isNameChar(char c, boolean first) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
                || !first && c >= '0' && c <= '9';
    }

    /** Reads one non-comment line: name, optional label set, value, optional timestamp (and exemplar). */
    private static final class LineReader {
        private final String line;
        private int pos;

        LineReader(String line) {
            this.line = line;
        }

        Sample sample() {
            String name = name();
            Map<String, String> labels = Map.of();
            skipBlanks();
            if (pos < line.length() && line.charAt(pos) == '{') {
                labels = labels();
                skipBlanks();
            }
            if (pos >= line.length()) {
                throw new IllegalArgumentException("sample of '" + name + "' has no value");
            }
            String valueToken = token();
            double value = parseValue(valueToken);
            skipBlanks();
            if (pos < line.length() && line.charAt(pos) != '#') {
                String timestamp = token();
                if (!TIMESTAMP.matcher(timestamp).matches()) {
                    throw new IllegalArgumentException("'" + abbreviate(timestamp) + "' after the value of '" + name
                            + "' is not a timestamp");
                }
                skipBlanks();
            }
            // What remains may only be an OpenMetrics exemplar ("# {...} value"), which selection does not use.
            if (pos < line.length() && line.charAt(pos) != '#') {
                throw new IllegalArgumentException("unexpected text '" + abbreviate(line.substring(pos))
                        + "' after the sample of '" + name + "'");
            }
            return new Sample(name, labels, value);
        }

        private String name() {
            int start = pos;
            while (pos < line.length() && isNameChar(line.charAt(pos), pos == start)) {
                pos++;
            }
            if (pos == start) {
                throw new IllegalArgumentException("expected a metric name at '" + abbreviate(line) + "'");
            }
            return line.substring(start, pos);
        }

        private Map<String, String> labels() {
            pos++; // '{'
            Map<String, String> labels = new LinkedHashMap<>();
            while (true) {
                skipBlanks();
                if (pos >= line.length()) {
                    throw new IllegalArgumentException("label set is not closed with '}'");
                }
                if (line.charAt(pos) == '}') {
                    pos++;
                    return labels;
                }
                int start = pos;
                while (pos < line.length() && isNameChar(line.charAt(pos), pos == start) && line.charAt(pos) != ':') {
                    pos++;
                }
                if (pos == start) {
                    throw new IllegalArgumentException("expected a label name at column " + (pos + 1));
                }
                String label = line.substring(start, pos);
                skipBlanks();
                expect('=', "after label '" + label + "'");
                skipBlanks();
                expect('"', "to open the value of label '" + label + "'");
                labels.put(label, quoted(label));
                skipBlanks();
                if (pos < line.length() && line.charAt(pos) == ',') {
                    pos++;
                } else if (pos < line.length() && line.charAt(pos) != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' after label '" + label + "'");
                }
            }
        }

        /** The rest of a quoted label value, with the format's escapes: \\, \" and \n. */
        private String quoted(String label) {
            StringBuilder value = new StringBuilder();
            while (pos < line.length()) {
                char c = line.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && pos < line.length()) {
                    char escaped = line.charAt(pos++);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            throw new IllegalArgumentException("value of label '" + label + "' is not closed with '\"'");
        }

        private void expect(char c, String where) {
            if (pos >= line.length() || line.charAt(pos) != c) {
                throw new IllegalArgumentException("expected '" + c + "' " + where);
            }
            pos++;
        }

        private String token() {
            int start = pos;
            while (pos < line.length() && !isBlank(line.charAt(pos))) {
                pos++;
            }
            return line.substring(start, pos);
        }

        private void skipBlanks() {
            while (pos < line.length() && isBlank(line.charAt(pos))) {
                pos++;
            }
        }

        private static boolean isBlank(char c) {
            return c == ' ' || c == '\t';
        }
    }
}
