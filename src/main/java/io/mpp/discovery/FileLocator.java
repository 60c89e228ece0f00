package io.mpp.discovery;

import java.io.IOException;
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
 * ignored; a line that is not an http(s) URL is reported with its line number and skipped.
 */
public final class FileLocator implements Locator {

    private static final Logger LOG = LoggerFactory.getLogger(FileLocator.class);

    private final Path path;
    private final String name;
    /** Last reported problems, so that an unchanged bad line is not logged at every selection. */
    private volatile List<String> lastProblems = List.of();

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
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DiscoveryException("cannot read endpoints file " + path + ": " + describe(e), e);
        }
        Parsed parsed = parse(path.toString(), lines, name);
        if (!parsed.problems().equals(lastProblems)) {
            parsed.problems().forEach(LOG::warn);
            lastProblems = parsed.problems();
        }
        return parsed.endpoints();
    }

    /** The endpoints of a file's lines, and one message per line that was skipped. */
    public record Parsed(List<Endpoint> endpoints, List<String> problems) {
    }

    public static Parsed parse(String fileName, List<String> lines, String locator) {
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                Endpoint endpoint = Endpoint.parse(line, locator);
                endpoints.putIfAbsent(endpoint.url(), endpoint);
            } catch (IllegalArgumentException e) {
                problems.add(fileName + ":" + (i + 1) + ": skipped: " + e.getMessage());
            }
        }
        return new Parsed(List.copyOf(endpoints.values()), List.copyOf(problems));
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        return e.getMessage() == null ? kind : kind + " " + e.getMessage();
    }
}
