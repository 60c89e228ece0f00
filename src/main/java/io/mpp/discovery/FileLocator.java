package io.mpp.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one backend URL per line from a file, re-read at every selection. Blank lines and {@code #} comments are
 * ignored; a line that is not an http(s) URL is reported with its line number and skipped. The file is UTF-8 (a
 * byte-order mark is ignored); a line that is not is reported and skipped like any other bad line, a UTF-16 file
 * (or one with NUL bytes) is refused as a whole. Skipped lines are a {@link #warning()} while endpoints were found,
 * a {@link #problem()} when none was. A file that is empty (or blank) after one that had endpoints is taken for one
 * being rewritten in place: it fails the discovery, so the last good list stays in use.
 */
public final class FileLocator implements Locator {

    private static final Logger LOG = LoggerFactory.getLogger(FileLocator.class);

    /** Far more than any set of replicas needs; a bound keeps a wrong path (a log, a device) off the heap. */
    static final int MAX_BYTES = 1 << 20;
    /** Stands for bytes that are not UTF-8; such a line is reported, not read as a URL. */
    private static final char NOT_UTF_8 = '\uFFFD';

    private final Path path;
    private final String name;
    /** Last reported problems, so that an unchanged bad line is not logged at every selection. */
    private volatile List<String> lastProblems = List.of();
    /** The skipped lines of the last read that answered, for {@link #problem()} or {@link #warning()}. */
    private volatile Parsed lastParsed = new Parsed(List.of(), List.of());
    /** How many endpoints the last read that answered found; an empty file is not believed while it is above 0. */
    private volatile int lastFound;

    public FileLocator(Path path) {
        this.path = Objects.requireNonNull(path);
        this.name = "file:" + path;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Endpoint> locate() throws DiscoveryException {
        List<String> lines;
        try {
            lines = read(path);
        } catch (IOException e) {
            throw new DiscoveryException("cannot read endpoints file " + path + ": " + describe(e), e);
        }
        if (lastFound > 0 && lines.stream().allMatch(String::isBlank)) {
            // `generator > endpoints` truncates the file before the generator writes: what is read in between is
            // not the operator's intent. Zero endpoints on purpose is a file with content, e.g. a comment.
            throw new DiscoveryException("endpoints file " + path + " is empty, as while it is being written in place"
                    + " (write it elsewhere and rename it over, so readers never see it half-written)");
        }
        Parsed parsed = parse(path.toString(), lines, name);
        if (!parsed.problems().equals(lastProblems)) {
            parsed.problems().forEach(LOG::warn);
            lastProblems = parsed.problems();
        }
        lastFound = parsed.endpoints().size();
        lastParsed = parsed;
        return parsed.endpoints();
    }

    /** Skipped lines when they left no endpoint: the file as written serves nothing, which is worth a failed check. */
    @Override
    public String problem() {
        Parsed parsed = lastParsed;
        return parsed.skipped().isEmpty() || !parsed.endpoints().isEmpty() ? null
                : parsed.summary() + ", and no endpoint found";
    }

    /** Skipped lines next to endpoints that work: shown, but the locator stays healthy. */
    @Override
    public String warning() {
        Parsed parsed = lastParsed;
        return parsed.skipped().isEmpty() || parsed.endpoints().isEmpty() ? null : parsed.summary();
    }

    /** A line that is not used, and why. */
    public record Skipped(String fileName, int line, String reason) {
    }

    /** The endpoints of a file's lines, and the lines that were skipped. */
    public record Parsed(List<Endpoint> endpoints, List<Skipped> skipped) {

        /** One log message per skipped line, each naming the file and line as compilers and editors do. */
        public List<String> problems() {
            return skipped.stream().map(s -> s.fileName() + ":" + s.line() + ": skipped: " + s.reason()).toList();
        }

        /** One line for a health check or the status page, whose locator name already says which file. */
        String summary() {
            Skipped first = skipped.get(0);
            String line = "line " + first.line() + ": " + first.reason();
            return skipped.size() == 1 ? "1 line skipped: " + line : skipped.size() + " lines skipped, first: " + line;
        }
    }

    public static Parsed parse(String fileName, List<String> lines, String locator) {
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        List<Skipped> skipped = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.indexOf(NOT_UTF_8) >= 0) {
                skipped.add(new Skipped(fileName, i + 1, "the line is not UTF-8 text"));
                continue;
            }
            try {
                Endpoint endpoint = Endpoint.parse(line, locator);
                endpoints.putIfAbsent(endpoint.url(), endpoint);
            } catch (IllegalArgumentException e) {
                skipped.add(new Skipped(fileName, i + 1, e.getMessage()));
            }
        }
        return new Parsed(List.copyOf(endpoints.values()), List.copyOf(skipped));
    }

    static List<String> read(Path path) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // A FIFO would block the selection until a writer comes, a device would never end.
            throw new IOException("not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + (MAX_BYTES >> 20) + " MiB; is it the endpoints file?");
        }
        if (utf16(bytes)) {
            // Read as UTF-8, every other byte is a NUL: messages full of them, and no line would be a URL anyway.
            throw new IOException("it is UTF-16 (or has NUL bytes); save it as UTF-8");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .replaceWith(String.valueOf(NOT_UTF_8))
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(e); // cannot happen: bad input is replaced
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // the byte-order mark some Windows editors write; invisible in a log line
        }
        return text.lines().toList();
    }

    private static boolean utf16(byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            return true;
        }
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        if (e.getClass() == IOException.class && e.getMessage() != null) {
            return e.getMessage(); // one of ours, which says what is wrong
        }
        return e.getMessage() == null ? kind : kind + " " + e.getMessage();
    }
}
