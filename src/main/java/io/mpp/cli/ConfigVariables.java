package io.mpp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${MPP_...:-default}} variables a config.yml text uses, in order of appearance, with their defaults.
 * Reading them from the file itself keeps flags, help and documentation in step with whatever settings config.yml
 * has, without a second list to maintain.
 */
public record ConfigVariables(Map<String, String> defaults) {

    /** The configuration the jar carries and the {@code proxy} command runs. */
    public static final String BUNDLED = "config.yml";

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(MPP_[A-Z0-9_]+)(?::-([^}]*))?}");

    public ConfigVariables {
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    }

    public static ConfigVariables parse(String yaml) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String line : yaml.split("\n")) {
            String content = line.strip();
            if (content.startsWith("#")) {
                continue;
            }
            Matcher m = VARIABLE.matcher(content);
            while (m.find()) {
                defaults.putIfAbsent(m.group(1), m.group(2) == null ? "" : m.group(2));
            }
        }
        return new ConfigVariables(defaults);
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
}
