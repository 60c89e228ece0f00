package io.mpp.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Universe package in universe/, rendered the way DC/OS Cosmos installs it: the options are config.json's
 * defaults overlaid with the user's, and the template also sees resource.json under {@code resource}.
 */
final class UniversePackage {

    static final Path DIR = Path.of("universe", "packages", "M", "mpp", "0");
    static final ObjectMapper JSON = new ObjectMapper();

    private UniversePackage() {
    }

    static JsonNode read(String file) {
        return readJson(DIR.resolve(file));
    }

    static JsonNode readJson(Path path) {
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The options object config.json's defaults make. */
    static Map<String, Object> defaults() {
        return defaultsOf(read("config.json"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> defaultsOf(JsonNode objectSchema) {
        Map<String, Object> options = new LinkedHashMap<>();
        objectSchema.path("properties").fields().forEachRemaining(e -> {
            JsonNode property = e.getValue();
            if (property.path("type").asText().equals("object")) {
                options.put(e.getKey(), defaultsOf(property));
            } else if (property.has("default")) {
                options.put(e.getKey(), JSON.convertValue(property.get("default"), Object.class));
            }
        });
        return options;
    }

    /** The schema config.json gives one option, by its dotted path; a missing node when it declares none. */
    static JsonNode optionSchema(String path) {
        JsonNode node = read("config.json");
        for (String part : path.split("\\.")) {
            node = node.path("properties").path(part);
        }
        return node;
    }

    /** Dotted paths of every leaf option config.json declares, e.g. {@code locators.kubernetes.namespace}. */
    static List<String> optionPaths() {
        List<String> paths = new ArrayList<>();
        collectPaths(read("config.json"), "", paths);
        return paths;
    }

    private static void collectPaths(JsonNode objectSchema, String prefix, List<String> paths) {
        objectSchema.path("properties").fields().forEachRemaining(e -> {
            String path = prefix + e.getKey();
            if (e.getValue().path("type").asText().equals("object")) {
                collectPaths(e.getValue(), path + ".", paths);
            } else {
                paths.add(path);
            }
        });
    }

    /** Defaults with some options replaced; keys are dotted paths. */
    static Map<String, Object> options(Map<String, Object> overrides) {
        Map<String, Object> options = deepCopy(defaults());
        overrides.forEach((path, value) -> set(options, path, value));
        return options;
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<String, Object> options, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> node = options;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.get(parts[i]);
            if (node == null) {
                throw new IllegalArgumentException("config.json has no option " + path);
            }
        }
        if (!node.containsKey(parts[parts.length - 1])) {
            throw new IllegalArgumentException("config.json has no option " + path);
        }
        node.put(parts[parts.length - 1], value);
    }

    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        return JSON.convertValue(map, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    static JsonNode optionsAsJson(Map<String, Object> options) {
        return JSON.valueToTree(options);
    }

    /**
     * The template, compiled once, and what Cosmos adds to the options: the property test renders thousands of apps,
     * and compiling and reading the files for each took most of its time.
     */
    private static final class Template {
        static final Mustache COMPILED = compile();
        static final Map<String, Object> PACKAGE = Map.of(
                "resource", JSON.convertValue(read("resource.json"), Map.class),
                "package-name", read("package.json").path("name").asText(),
                "package-version", read("package.json").path("version").asText());

        private static Mustache compile() {
            try {
                return new DefaultMustacheFactory().compile(
                        new StringReader(Files.readString(DIR.resolve("marathon.json.mustache"))), "marathon.json");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The text Cosmos would post to Marathon. */
    static String renderText(Map<String, Object> options) {
        Map<String, Object> scope = new HashMap<>(options);
        scope.putAll(Template.PACKAGE);
        try {
            StringWriter out = new StringWriter();
            Template.COMPILED.execute(out, scope).flush();
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode render(Map<String, Object> options) {
        String text = renderText(options);
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("the rendered template is not JSON: " + e.getMessage() + "\n" + text, e);
        }
    }

    /** The tag names the template uses, without mustache's sigils: {@code service.name}. */
    static List<String> templateTags() {
        try {
            String template = Files.readString(DIR.resolve("marathon.json.mustache"));
            List<String> tags = new ArrayList<>();
            var m = java.util.regex.Pattern.compile("\\{\\{\\{?\\s*[#^/]?\\s*([^}\\s]+)\\s*}}}?").matcher(template);
            while (m.find()) {
                tags.add(m.group(1));
            }
            return tags;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
