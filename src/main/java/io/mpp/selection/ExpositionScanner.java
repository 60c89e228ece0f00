package io.mpp.selection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a text in chunks as they arrive and keeps the sums of the wanted metrics only. A line's first bytes tell
 * whether it is one of theirs; the rest of any other line is passed over without being copied or decoded, so
 * the work is one pass over the bytes and the memory one line. Lines that cannot be sample lines at all (they
 * do not start with a metric name) are read too, so that a body that is not an exposition says so. Not
 * thread-safe: feed it from one thread at a time.
 */
public final class ExpositionScanner {

    private enum Line { UNDECIDED, WANTED, SKIPPED, TOO_LONG }

    /** The wanted names in ASCII (metric names are); null for every metric. */
    private final byte[][] wanted;
    private final int longestName;
    private final Map<String, Exposition.Family> families = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private int errorCount;
    private int lineNumber;
    private byte[] line = new byte[256];
    private int length;
    /** Whether any byte of the current line has arrived: a last line need not end with a line feed. */
    private boolean started;
    /** Where the metric name starts in {@link #line}; -1 before its first byte. */
    private int nameStart = -1;
    private Line kind;

    /** @param names the metrics to keep; null keeps every one */
    public ExpositionScanner(Set<String> names) {
        wanted = names == null ? null
                : names.stream().map(n -> n.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
        longestName = wanted == null ? 0 : Arrays.stream(wanted).mapToInt(n -> n.length).max().orElse(0);
        kind = firstKind();
    }

    /** Takes the chunk's remaining bytes; a line may span chunks. */
    public void feed(ByteBuffer chunk) {
        int end = chunk.limit();
        for (int i = chunk.position(); i < end; i++) {
            byte b = chunk.get(i);
            if (b == '\n') {
                endLine();
            } else {
                started = true;
                if (kind == Line.UNDECIDED || kind == Line.WANTED) {
                    take(b);
                }
            }
        }
        chunk.position(end);
    }

    /** What the text held, once it has all been fed. */
    public Exposition.Parsed finish() {
        if (started) {
            endLine();
        }
        return new Exposition.Parsed(families, errors, errorCount);
    }

    /** How many bytes the scanner holds for the current line: lines it passes over never grow it. */
    int lineCapacity() {
        return line.length;
    }

    private Line firstKind() {
        return wanted == null ? Line.WANTED : Line.UNDECIDED;
    }

    private void take(byte b) {
        if (length == Exposition.MAX_LINE) {
            kind = Line.TOO_LONG;
            return;
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(Exposition.MAX_LINE, length * 2));
        }
        line[length++] = b;
        if (kind == Line.UNDECIDED) {
            kind = decide(b);
        }
    }

    /** Decides on the line with byte {@code b} just taken, as soon as its first bytes allow. */
    private Line decide(byte b) {
        if (nameStart < 0) {
            if (b >= 0 && Character.isWhitespace(b)) {
                return Line.UNDECIDED;
            }
            if (b == '#') {
                return Line.SKIPPED;
            }
            if (!Exposition.isNameChar((char) b, true)) {
                return Line.WANTED;
            }
            nameStart = length - 1;
            return Line.UNDECIDED;
        }
        if (Exposition.isNameChar((char) b, false)) {
            return length - nameStart > longestName ? Line.SKIPPED : Line.UNDECIDED;
        }
        return isWanted(length - 1) ? Line.WANTED : Line.SKIPPED;
    }

    /** Whether the name from {@link #nameStart} to {@code end} is one of the wanted. */
    private boolean isWanted(int end) {
        for (byte[] name : wanted) {
            if (Arrays.equals(line, nameStart, end, name, 0, name.length)) {
                return true;
            }
        }
        return false;
    }

    private void endLine() {
        lineNumber++;
        if (kind == Line.UNDECIDED && nameStart >= 0 && isWanted(length)) {
            kind = Line.WANTED; // a name alone: reading it says the value is missing
        }
        if (kind == Line.WANTED) {
            read(new String(line, 0, length, StandardCharsets.UTF_8));
        } else if (kind == Line.TOO_LONG) {
            error("longer than " + Exposition.MAX_LINE + " bytes");
        }
        length = 0;
        started = false;
        nameStart = -1;
        kind = firstKind();
    }

    private void read(String text) {
        String stripped = text.strip();
        if (stripped.isEmpty() || stripped.startsWith("#")) {
            return; // HELP, TYPE, UNIT, EOF and plain comments
        }
        try {
            Exposition.Sample s = Exposition.sample(stripped);
            families.merge(s.name(), Exposition.Family.of(s.value()), Exposition.Family::plus);
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
        }
    }

    private void error(String message) {
        errorCount++;
        if (errors.size() < Exposition.MAX_ERRORS) {
            errors.add("line " + lineNumber + ": " + message);
        }
    }
}
