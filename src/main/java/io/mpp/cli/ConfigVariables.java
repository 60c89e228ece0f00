package io.mpp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${MPP_...:-default}} variables a config.yml text uses, in order of appearance, with their defaults and
 * the settings they fill. Reading them from the file itself keeps flags, help and documentation in step with whatever
 * settings config.yml has, without a second list to maintain.
 *
 * @param defaults variable -> its default, empty when it has none
 * @param settings variable -> the first setting it fills, as a path: {@code proxy.maxRetries}, and for an entry of
 *                 a list its type: {@code locators[marathon].requestTimeout}
 */
public record ConfigVariables(Map<String, String> defaults, Map<String, String> settings) {

    /** The configuration the jar carries and the {@code proxy} command runs. */
    public static final String BUNDLED = "config.yml";

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(MPP_[A-Z0-9_]+)(?::-([^}]*))?}");

    public ConfigVariables {
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** Reads the block-style YAML config.yml is written in: one key per line, lists of mappings by "- ". */
    public static ConfigVariables parse(String yaml) {
        Map<String, String> defaults = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        // The keys that lead to the current line, each with the indentation of its own line.
        Deque<Map.Entry<Integer, String>> path = new ArrayDeque<>();
        for (String line : yaml.split("\n")) {
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            int indent = line.indexOf(content.charAt(0));
            if (content.startsWith("- ")) {
                popTo(path, indent);
                content = content.substring(2).strip();
                String type = content.startsWith("type:") ? content.substring("type:".length()).strip() : "";
                path.addLast(Map.entry(indent, "[" + type + "]"));
                indent += 2;
            }
            popTo(path, indent);
            int colon = content.indexOf(':');
            String key = colon < 0 ? content : content.substring(0, colon).strip();
            Matcher m = VARIABLE.matcher(content);
            boolean any = false;
            while (m.find()) {
                any = true;
                defaults.putIfAbsent(m.group(1), m.group(2) == null ? "" : m.group(2));
                settings.putIfAbsent(m.group(1), joined(path, key));
            }
            if (!any && colon == content.length() - 1) {
                path.addLast(Map.entry(indent, key));
            }
        }
        return new ConfigVariables(defaults, settings);
    }

    private static void popTo(Deque<Map.Entry<Integer, String>> path, int indent) {
        while (!path.isEmpty() && path.peekLast().getKey() >= indent) {
            path.removeLast();
        }
    }

    private static String joined(Deque<Map.Entry<Integer, String>> path, String key) {
        StringBuilder joined = new StringBuilder();
        for (Map.Entry<Integer, String> step : path) {
            if (!joined.isEmpty() && !step.getValue().startsWith("[")) {
                joined.append('.');
            }
            joined.append(step.getValue());
        }
        return joined.append(joined.isEmpty() ? "" : ".").append(key).toString();
    }

    public static ConfigVariables bundled() {
        try (InputStream in = ConfigVariables.class.getClassLoader().getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLED
                        + " is missing from the class path; build the jar with mvn package");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled " + BUNDLED, e);
        }
    }

    public boolean uses(String variable) {
        return defaults.containsKey(variable);
    }

    public String defaultOf(String variable) {
        return defaults.get(variable);
    }

    /** The setting the variable fills, or null when config.yml does not use it. */
    public String settingOf(String variable) {
        return settings.get(variable);
    }
}
