package io.mpp.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (0.0.4, and the sample lines of OpenMetrics) as a backend's
 * {@code /metrics} serves it. A line that cannot be read is reported with its number and skipped: one odd line must
 * not make a whole backend unrankable.
 */
public final class Exposition {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** What a text held: its samples and the lines that could not be read. */
    public record Parsed(List<Sample> samples, List<String> errors) {

        public Parsed {
            samples = Collections.unmodifiableList(samples);
            errors = Collections.unmodifiableList(errors);
        }

        /** Whether any series of this metric is present. */
        public boolean has(String name) {
            return samples.stream().anyMatch(s -> s.name().equals(name));
        }

        /**
         * The sum over every series of a metric, leaving out NaN series (a NaN says "no value", not "infinitely
         * many"); NaN when the metric is absent or has only NaN series.
         */
        public double sum(String name) {
            double sum = 0;
            boolean any = false;
            for (Sample s : samples) {
                if (s.name().equals(name) && !Double.isNaN(s.value())) {
                    sum += s.value();
                    any = true;
                }
            }
            return any ? sum : Double.NaN;
        }
    }

    private Exposition() {
    }

    public static Parsed parse(String text) {
        List<Sample> samples = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int lineNumber = 0;
        int at = 0;
        while (at <= text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            lineNumber++;
            String line = text.substring(at, end);
            at = end + 1;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue; // HELP, TYPE, UNIT, EOF and plain comments
            }
            try {
                samples.add(new LineReader(stripped).sample());
            } catch (IllegalArgumentException e) {
                errors.add("line " + lineNumber + ": " + e.getMessage());
            }
        }
        return new Parsed(samples, errors);
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
        if (!token.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw new IllegalArgumentException("'" + token + "' is not a number");
        }
        return Double.parseDouble(token);
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
                if (!timestamp.matches("-?\\d+(\\.\\d+)?")) {
                    throw new IllegalArgumentException("'" + timestamp + "' after the value of '" + name
                            + "' is not a timestamp");
                }
                skipBlanks();
            }
            // What remains may only be an OpenMetrics exemplar ("# {...} value"), which selection does not use.
            if (pos < line.length() && line.charAt(pos) != '#') {
                throw new IllegalArgumentException("unexpected text '" + line.substring(pos) + "' after the sample of '"
                        + name + "'");
            }
            return new Sample(name, labels, value);
        }

        private String name() {
            int start = pos;
            while (pos < line.length() && isNameChar(line.charAt(pos), pos == start)) {
                pos++;
            }
            if (pos == start) {
                throw new IllegalArgumentException("expected a metric name at '" + line + "'");
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

        private static boolean isNameChar(char c, boolean first) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
                    || !first && c >= '0' && c <= '9';
        }
    }
}
