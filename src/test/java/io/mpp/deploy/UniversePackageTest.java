package io.mpp.deploy;

import static io.mpp.deploy.UniversePackage.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** universe/: the Universe's own schemas accept it, and every way of filling its options renders an mpp app. */
class UniversePackageTest {

    private static final JsonSchemaFactory DRAFT_4 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    /** Every optional block on, with values that need no escaping in JSON but would be broken by HTML escaping. */
    static final Map<String, Object> ALL_ON = Map.ofEntries(
            Map.entry("service.name", "prom-proxy"),
            Map.entry("service.instances", 3),
            Map.entry("service.cpus", 1.5),
            Map.entry("service.mem", 1024),
            Map.entry("service.secret-name", "monitoring/mpp-secret"),
            Map.entry("service.haproxy-group", "external"),
            Map.entry("service.shutdown-grace-period-seconds", 30),
            Map.entry("service.task-kill-grace-period-seconds", 40),
            Map.entry("service.verbose", true),
            Map.entry("locators.marathon-url", "https://m1.mesos:8443,https://m2.mesos:8443"),
            Map.entry("locators.marathon-apps", "/monitoring/prometheus-a,/monitoring/prometheus-b"),
            Map.entry("locators.marathon-port", "metrics"),
            Map.entry("locators.marathon-auth-endpoint", "https://leader.mesos/acs/api/v1/auth/login"),
            Map.entry("locators.insecure-certs", true),
            Map.entry("locators.marathon-ca-file", "/mnt/mesos/sandbox/.ssl/ca-bundle.crt"),
            Map.entry("locators.backend-ca-file", "/mnt/mesos/sandbox/prometheus-ca.pem"),
            Map.entry("locators.endpoints-file", "/mnt/mesos/sandbox/endpoints"),
            Map.entry("locators.kubernetes.enabled", true),
            Map.entry("locators.kubernetes.kubeconfig", "/mnt/mesos/sandbox/kubeconfig"),
            Map.entry("locators.kubernetes.namespace", "monitoring"),
            Map.entry("locators.kubernetes.service-name", "prometheus"),
            Map.entry("locators.kubernetes.pod-label-selector", "app=prometheus,tier!=canary"),
            Map.entry("locators.kubernetes.port", "web"),
            Map.entry("routing.strategy", "minimum-history:24h"),
            Map.entry("routing.selection-interval", "1m30s"),
            Map.entry("routing.affinity-options", "cookies,sourceip"),
            Map.entry("routing.affinity-trusted-proxies", "1"),
            Map.entry("routing.affinity-cookie-name", "MPP.Route.ops"),
            Map.entry("routing.affinity-key-secret", "monitoring/mpp-affinity-key"));

    @Test
    void packageJsonIsAValidUniversePackageOfFormat4() throws Exception {
        JsonNode pkg = UniversePackage.read("package.json");
        assertThat(violations("package-schema.json", pkg)).isEmpty();
        assertThat(pkg.path("packagingVersion").asText()).isEqualTo("4.0");
        assertThat(pkg.path("name").asText()).matches("^[a-z][a-z0-9-]*[a-z0-9]$").isEqualTo("mpp");
    }

    @Test
    void configJsonIsADraft4SchemaWithADefaultAndDescriptionForEveryOption() throws Exception {
        JsonNode config = UniversePackage.read("config.json");
        assertThat(violations("config-schema.json", config)).isEmpty();
        List<String> problems = new ArrayList<>();
        checkOptions(config, "", problems);
        assertThat(problems).isEmpty();
    }

    private static void checkOptions(JsonNode objectSchema, String prefix, List<String> problems) {
        Set<String> names = new java.util.TreeSet<>();
        objectSchema.path("properties").fieldNames().forEachRemaining(names::add);
        if (!objectSchema.path("additionalProperties").isBoolean()
                || objectSchema.path("additionalProperties").asBoolean()) {
            problems.add(prefix + ": additionalProperties must be false, so a mistyped option is refused");
        }
        objectSchema.path("required").forEach(r -> {
            if (!names.contains(r.asText())) {
                problems.add(prefix + ": required names the unknown option " + r.asText());
            }
        });
        objectSchema.path("properties").fields().forEachRemaining(e -> {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode option = e.getValue();
            if (option.path("description").asText().isBlank()) {
                problems.add(path + ": no description");
            }
            if (option.path("type").asText().equals("object")) {
                checkOptions(option, path, problems);
            } else if (!option.has("default")) {
                problems.add(path + ": no default");
            }
        });
    }

    @Test
    void theDefaultsAndTheAllOnOptionsAreValidOptions() throws Exception {
        JsonSchema schema = DRAFT_4.getSchema(UniversePackage.read("config.json"));
        assertThat(messages(schema.validate(UniversePackage.optionsAsJson(UniversePackage.defaults())))).isEmpty();
        assertThat(messages(schema.validate(UniversePackage.optionsAsJson(UniversePackage.options(ALL_ON)))))
                .isEmpty();
    }

    @Test
    void configJsonRefusesOptionsThatWouldBreakTheAppJson() throws Exception {
        JsonSchema schema = DRAFT_4.getSchema(UniversePackage.read("config.json"));
        Map<String, Object> quote = UniversePackage.options(Map.of("locators.marathon-apps", "/a\",\"x"));
        Map<String, Object> name = UniversePackage.options(Map.of("service.name", "Bad/Name"));
        Map<String, Object> typo = UniversePackage.options(Map.of());
        typo.put("routnig", Map.of());
        assertThat(messages(schema.validate(UniversePackage.optionsAsJson(quote)))).anyMatch(m -> m.contains(
                "marathon-apps"));
        assertThat(messages(schema.validate(UniversePackage.optionsAsJson(name)))).anyMatch(m -> m.contains("name"));
        assertThat(messages(schema.validate(UniversePackage.optionsAsJson(typo)))).anyMatch(m -> m.contains(
                "routnig"));
    }

    @Test
    void resourceJsonIsAValidResourceNamingTheImageOfThisVersion() throws Exception {
        JsonNode resource = UniversePackage.read("resource.json");
        assertThat(violations("v3-resource-schema.json", resource)).isEmpty();
        String version = UniversePackage.read("package.json").path("version").asText();
        assertThat(resource.path("assets").path("container").path("docker").path("mpp-docker").asText())
                .endsWith(":" + version);
        assertThat(pomVersion()).isEqualTo(version + "-SNAPSHOT");
    }

    @Test
    void theTemplateUsesOnlyOptionsThatExistAndEveryOptionIsUsed() {
        Set<String> options = Set.copyOf(UniversePackage.optionPaths());
        Set<String> tags = UniversePackage.templateTags().stream().collect(Collectors.toSet());
        Set<String> known = new java.util.HashSet<>(options);
        UniversePackage.read("resource.json").path("assets").path("container").path("docker").fieldNames()
                .forEachRemaining(alias -> known.add("resource.assets.container.docker." + alias));
        assertThat(tags).as("tags the options do not define (mustache would render them empty)")
                .isSubsetOf(known);
        assertThat(tags).as("options the template ignores").containsAll(options);
    }

    @Test
    void withTheDefaultsItRendersAnMppAppOnMarathonWithoutLogin() {
        JsonNode app = UniversePackage.render(UniversePackage.defaults());
        assertThat(MarathonAppRules.problems(app)).isEmpty();
        JsonNode env = app.path("env");
        assertThat(app.path("id").asText()).isEqualTo("/mpp");
        assertThat(app.path("instances").asInt()).isEqualTo(2);
        assertThat(env.path("MPP_MARATHON_URL").asText()).isEqualTo("http://marathon.mesos:8080");
        assertThat(env.path("MPP_MARATHON_APPS").asText()).isEqualTo("/prometheus");
        assertThat(env.path("MPP_MARATHON_PORT").asText()).isEqualTo("0");
        assertThat(env.path("MPP_INSECURE_CERTS").asText()).isEqualTo("false");
        assertThat(env.path("MPP_ROUTING_STRATEGY").asText()).isEqualTo("single-most-data");
        assertThat(env.path("MPP_SELECTION_INTERVAL").asText()).isEqualTo("10s");
        assertThat(env.path("MPP_AFFINITY_OPTIONS").asText()).isEqualTo("cookies");
        assertThat(env.path("MPP_SHUTDOWN_GRACE_PERIOD").asText()).isEqualTo("15s");
        assertThat(env.has("DCOS_SERVICE_ACCOUNT_CREDENTIAL")).isFalse();
        assertThat(env.has("MPP_AFFINITY_KEY")).isFalse();
        assertThat(env.has("MPP_AFFINITY_TRUSTED_PROXIES")).isFalse();
        assertThat(app.has("secrets")).isFalse();
        assertThat(env.has("MPP_ENDPOINTS_FILE")).isFalse();
        assertThat(env.has("MPP_KUBE_NAMESPACE")).isFalse();
        assertThat(env.has("MPP_MARATHON_AUTH_ENDPOINT")).isFalse();
        assertThat(env.has("MPP_MARATHON_CA_FILE")).isFalse();
        assertThat(env.has("MPP_BACKEND_CA_FILE")).isFalse();
        assertThat(app.path("taskKillGracePeriodSeconds").asInt()).isEqualTo(20);
    }

    @Test
    void withEveryOptionalBlockOnItRendersAnMppAppWithThoseSettings() {
        JsonNode app = UniversePackage.render(UniversePackage.options(ALL_ON));
        assertThat(MarathonAppRules.problems(app)).isEmpty();
        assertThat(app.path("id").asText()).isEqualTo("/prom-proxy");
        assertThat(app.path("instances").asInt()).isEqualTo(3);
        assertThat(app.path("cpus").asDouble()).isEqualTo(1.5);
        assertThat(app.path("mem").asInt()).isEqualTo(1024);
        assertThat(app.path("taskKillGracePeriodSeconds").asInt()).isEqualTo(40);
        assertThat(app.path("labels").path("DCOS_SERVICE_NAME").asText()).isEqualTo("prom-proxy");
        assertThat(app.path("labels").path("HAPROXY_GROUP").asText()).isEqualTo("external");
        assertThat(app.path("container").path("portMappings").path(0).path("labels").path("VIP_0").asText())
                .isEqualTo("/prom-proxy:9090");
        assertThat(app.path("secrets").path("serviceCredential").path("source").asText())
                .isEqualTo("monitoring/mpp-secret");
        assertThat(app.path("env").path("DCOS_SERVICE_ACCOUNT_CREDENTIAL").path("secret").asText())
                .isEqualTo("serviceCredential");
        assertThat(app.path("secrets").path("affinityKey").path("source").asText())
                .isEqualTo("monitoring/mpp-affinity-key");
        assertThat(app.path("env").path("MPP_AFFINITY_KEY").path("secret").asText()).isEqualTo("affinityKey");
        assertThat(env(app)).containsAllEntriesOf(Map.ofEntries(
                Map.entry("MPP_MARATHON_URL", "https://m1.mesos:8443,https://m2.mesos:8443"),
                Map.entry("MPP_MARATHON_APPS", "/monitoring/prometheus-a,/monitoring/prometheus-b"),
                Map.entry("MPP_MARATHON_PORT", "metrics"),
                Map.entry("MPP_MARATHON_AUTH_ENDPOINT", "https://leader.mesos/acs/api/v1/auth/login"),
                Map.entry("MPP_INSECURE_CERTS", "true"),
                Map.entry("MPP_MARATHON_CA_FILE", "/mnt/mesos/sandbox/.ssl/ca-bundle.crt"),
                Map.entry("MPP_BACKEND_CA_FILE", "/mnt/mesos/sandbox/prometheus-ca.pem"),
                Map.entry("MPP_ENDPOINTS_FILE", "/mnt/mesos/sandbox/endpoints"),
                Map.entry("MPP_KUBECONFIG", "/mnt/mesos/sandbox/kubeconfig"),
                Map.entry("MPP_KUBE_NAMESPACE", "monitoring"),
                Map.entry("MPP_KUBE_SERVICE_NAME", "prometheus"),
                Map.entry("MPP_KUBE_POD_LABEL_SELECTOR", "app=prometheus,tier!=canary"),
                Map.entry("MPP_KUBE_PORT", "web"),
                Map.entry("MPP_ROUTING_STRATEGY", "minimum-history:24h"),
                Map.entry("MPP_SELECTION_INTERVAL", "1m30s"),
                Map.entry("MPP_AFFINITY_OPTIONS", "cookies,sourceip"),
                Map.entry("MPP_AFFINITY_TRUSTED_PROXIES", "1"),
                Map.entry("MPP_AFFINITY_COOKIE_NAME", "MPP.Route.ops"),
                Map.entry("MPP_SHUTDOWN_GRACE_PERIOD", "30s"),
                Map.entry("MPP_VERBOSE", "true"),
                Map.entry("MPP_PORT", "9090"),
                Map.entry("MPP_ADMIN_PORT", "8081")));
    }

    /**
     * Each optional block alone, and with no Marathon block: the commas around the blocks must hold in every
     * combination. Every combination keeps a locator, as the options schema demands.
     */
    static Stream<Arguments> singleBlocks() {
        return Stream.of(
                Arguments.of(Map.of("locators.marathon-url", "", "locators.endpoints-file", "/e")),
                Arguments.of(Map.of("locators.marathon-url", "", "locators.kubernetes.enabled", true,
                        "locators.kubernetes.service-name", "prometheus")),
                Arguments.of(Map.of("locators.marathon-url", "", "locators.kubernetes.enabled", true,
                        "locators.kubernetes.pod-label-selector", "app=prometheus")),
                Arguments.of(Map.of("locators.marathon-url", "", "service.secret-name", "s",
                        "locators.endpoints-file", "/e")),
                Arguments.of(Map.of("locators.marathon-auth-endpoint", "https://l/acs/api/v1/auth/login")),
                Arguments.of(Map.of("service.secret-name", "mpp/sa")),
                Arguments.of(Map.of("routing.affinity-key-secret", "mpp/key")),
                Arguments.of(Map.of("routing.affinity-key-secret", "mpp/key", "locators.marathon-url", "",
                        "locators.endpoints-file", "/e")),
                Arguments.of(Map.of("routing.affinity-key-secret", "mpp/key", "service.secret-name", "mpp/sa")),
                Arguments.of(Map.of("locators.marathon-ca-file", "/ca.pem")),
                Arguments.of(Map.of("locators.backend-ca-file", "/ca.pem")),
                Arguments.of(Map.of("locators.marathon-url", "", "locators.backend-ca-file", "/ca.pem",
                        "locators.endpoints-file", "/e")));
    }

    @ParameterizedTest
    @MethodSource("singleBlocks")
    void everyCombinationOfBlocksRendersValidJson(Map<String, Object> overrides) {
        assertThat(schemaProblems(overrides)).isEmpty();
        JsonNode app = UniversePackage.render(UniversePackage.options(overrides));
        assertThat(MarathonAppRules.problems(app)).isEmpty();
        JsonNode secrets = app.path("secrets");
        assertThat(secrets.has("serviceCredential")).isEqualTo(overrides.containsKey("service.secret-name"));
        assertThat(secrets.has("affinityKey")).isEqualTo(overrides.containsKey("routing.affinity-key-secret"));
        assertThat(secrets.isMissingNode()).isEqualTo(!overrides.containsKey("service.secret-name")
                && !overrides.containsKey("routing.affinity-key-secret"));
    }

    /** Options that render an app mpp cannot start with, or whose Kubernetes settings mpp ignores. */
    static Stream<Arguments> optionsThatLocateNothing() {
        return Stream.of(
                Arguments.of(Map.of("locators.marathon-url", ""), "no locator is set"),
                Arguments.of(Map.of("locators.marathon-url", "  "), "no locator is set"),
                Arguments.of(Map.of("locators.marathon-url", "", "locators.backend-ca-file", "/ca.pem"),
                        "no locator is set"),
                Arguments.of(Map.of("locators.marathon-url", "", "locators.kubernetes.enabled", true),
                        "no locator is set"),
                Arguments.of(Map.of("locators.kubernetes.enabled", true, "locators.kubernetes.service-name", " "),
                        "Kubernetes settings without"),
                Arguments.of(Map.of("locators.marathon-apps", ""), "MPP_MARATHON_APPS names no app"),
                Arguments.of(Map.of("locators.marathon-apps", " , "), "MPP_MARATHON_APPS names no app"));
    }

    @ParameterizedTest
    @MethodSource("optionsThatLocateNothing")
    void theSchemaAndTheRulesRefuseOptionsThatLocateNothing(Map<String, Object> overrides, String problem) {
        assertThat(schemaProblems(overrides)).anyMatch(m -> m.contains("locators"));
        assertThat(MarathonAppRules.problems(UniversePackage.render(UniversePackage.options(overrides))))
                .anyMatch(p -> p.contains(problem));
    }

    @Test
    void theSchemaAcceptsEachLocatorAlone() {
        Map<String, Object> none = Map.of("locators.marathon-url", "");
        for (Map<String, Object> one : List.of(Map.<String, Object>of("locators.endpoints-file", "/e"),
                Map.<String, Object>of("locators.kubernetes.enabled", true, "locators.kubernetes.service-name", "p"),
                Map.<String, Object>of("locators.kubernetes.enabled", true,
                        "locators.kubernetes.pod-label-selector", "app=p"))) {
            Map<String, Object> overrides = new java.util.HashMap<>(none);
            overrides.putAll(one);
            assertThat(schemaProblems(overrides)).as("%s", overrides).isEmpty();
        }
        assertThat(schemaProblems(Map.of())).as("Marathon alone, the defaults").isEmpty();
    }

    /** Draft-4 cannot compare two options: the descriptions say it, the defaults keep it, the rules check it. */
    @Test
    void theTaskKillGracePeriodMustExceedTheShutdownGracePeriod() {
        Map<String, Object> defaults = UniversePackage.defaults();
        @SuppressWarnings("unchecked")
        Map<String, Object> service = (Map<String, Object>) defaults.get("service");
        assertThat((Integer) service.get("task-kill-grace-period-seconds"))
                .isGreaterThan((Integer) service.get("shutdown-grace-period-seconds"));
        assertThat(UniversePackage.read("config.json").path("properties").path("service").path("properties")
                .path("task-kill-grace-period-seconds").path("description").asText())
                .contains("must be above shutdown-grace-period-seconds");

        JsonNode equal = UniversePackage.render(UniversePackage.options(Map.of(
                "service.shutdown-grace-period-seconds", 30, "service.task-kill-grace-period-seconds", 30)));
        JsonNode above = UniversePackage.render(UniversePackage.options(Map.of(
                "service.shutdown-grace-period-seconds", 30, "service.task-kill-grace-period-seconds", 31)));
        assertThat(MarathonAppRules.problems(equal))
                .containsExactly("taskKillGracePeriodSeconds (30) must exceed mpp's shutdown grace period (30s),"
                        + " else Marathon kills requests in flight");
        assertThat(MarathonAppRules.problems(above)).isEmpty();
    }

    @Test
    void zeroTrustedProxiesIsSetAndTheMarathonPortOnlyWithMarathon() {
        Map<String, String> zero = env(UniversePackage.render(UniversePackage.options(Map.of(
                "routing.affinity-trusted-proxies", "0", "locators.marathon-port", "1"))));
        Map<String, String> noMarathon = env(UniversePackage.render(UniversePackage.options(Map.of(
                "locators.marathon-url", "", "locators.endpoints-file", "/e", "locators.marathon-port", "1"))));
        assertThat(zero).containsEntry("MPP_AFFINITY_TRUSTED_PROXIES", "0").containsEntry("MPP_MARATHON_PORT", "1");
        assertThat(noMarathon).doesNotContainKey("MPP_MARATHON_PORT");
    }

    @Test
    void theSchemaAndTheRulesRefuseWhatMppRefusesAsPortOrTrustedProxies() {
        for (String bad : List.of("65", "-1", "1.5", "one", " 1")) {
            assertThat(schemaProblems(Map.of("routing.affinity-trusted-proxies", bad))).as(bad)
                    .anyMatch(m -> m.contains("affinity-trusted-proxies"));
        }
        for (String bad : List.of("", "-web", "web port", "web/1")) {
            assertThat(schemaProblems(Map.of("locators.marathon-port", bad))).as(bad)
                    .anyMatch(m -> m.contains("marathon-port"));
        }
        for (String bad : List.of("", "a b", "route;x", "r=1", "a\"b", "x".repeat(65))) {
            assertThat(schemaProblems(Map.of("routing.affinity-cookie-name", bad))).as(bad)
                    .anyMatch(m -> m.contains("affinity-cookie-name"));
        }
        for (String good : List.of("MPP.Route", "mpp_route-2", "!#$%&'*+-.^_`|~")) {
            assertThat(schemaProblems(Map.of("routing.affinity-cookie-name", good))).as(good).isEmpty();
            new io.mpp.proxy.affinity.AffinityFactory().setCookieName(good); // what the schema takes, mpp takes
        }
        for (String good : List.of("0", "64", "7")) {
            assertThat(schemaProblems(Map.of("routing.affinity-trusted-proxies", good))).as(good).isEmpty();
        }
        for (String good : List.of("0", "2", "web", "prometheus_http.1")) {
            assertThat(schemaProblems(Map.of("locators.marathon-port", good))).as(good).isEmpty();
        }
        var app = (com.fasterxml.jackson.databind.node.ObjectNode) UniversePackage.render(UniversePackage.defaults());
        ((com.fasterxml.jackson.databind.node.ObjectNode) app.path("env")).put("MPP_AFFINITY_TRUSTED_PROXIES", "65")
                .put("MPP_MARATHON_PORT", "web port");
        assertThat(MarathonAppRules.problems(app)).hasSize(2)
                .anyMatch(p -> p.startsWith("env MPP_AFFINITY_TRUSTED_PROXIES: '65' is not a number of proxies"))
                .anyMatch(p -> p.startsWith("env MPP_MARATHON_PORT: MPP_MARATHON_PORT (port) 'web port' is neither"));
    }

    @Test
    void theMarathonCaFileIsSetOnlyWithMarathonAndTheBackendsOneEitherWay() {
        Map<String, Object> both = Map.of("locators.marathon-ca-file", "/m.pem", "locators.backend-ca-file", "/b.pem");
        Map<String, String> withMarathon = env(UniversePackage.render(UniversePackage.options(both)));
        Map<String, Object> noMarathon = new java.util.HashMap<>(both);
        noMarathon.put("locators.marathon-url", "");
        noMarathon.put("locators.endpoints-file", "/e");
        Map<String, String> without = env(UniversePackage.render(UniversePackage.options(noMarathon)));
        assertThat(withMarathon).containsEntry("MPP_MARATHON_CA_FILE", "/m.pem")
                .containsEntry("MPP_BACKEND_CA_FILE", "/b.pem");
        assertThat(without).doesNotContainKey("MPP_MARATHON_CA_FILE").containsEntry("MPP_BACKEND_CA_FILE", "/b.pem");
    }

    @Test
    void theRulesCatchABrokenApp() {
        JsonNode good = UniversePackage.render(UniversePackage.options(ALL_ON));
        var bad = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad.path("healthChecks").path(0)).put("path", "/health");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad.path("labels")).put("DCOS_SERVICE_PORT_INDEX", "1");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad.path("env")).put("MPP_SELECTION_INTERVAL", "often");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad.path("env")).put("MPP_NO_SUCH_THING", "1");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad).remove("secrets");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad).put("taskKillGracePeriodSeconds", 3);
        ((com.fasterxml.jackson.databind.node.ObjectNode) bad.path("env"))
                .put("MPP_AFFINITY_KEY", "a-key-of-well-over-thirty-two-characters");
        assertThat(MarathonAppRules.problems(bad)).hasSize(7)
                .anyMatch(p -> p.startsWith("MPP_AFFINITY_KEY must come from a secret"));
    }

    /** config.json's string options, by dotted path; every one of them is in {@link #ALL_ON}. */
    static List<String> stringOptions() {
        return UniversePackage.optionPaths().stream()
                .filter(path -> UniversePackage.optionSchema(path).path("type").asText().equals("string"))
                .toList();
    }

    /**
     * A JSON string cannot hold a raw control character, and the template writes options into JSON strings as they
     * are: one such character anywhere, even last (where Java's {@code $} would let it pass), must be refused.
     */
    @Test
    void everyStringOptionRefusesControlCharacters() {
        assertThatThrownBy(() -> UniversePackage.render(UniversePackage.options(
                Map.of("locators.marathon-apps", "/prometheus\n/other"))))
                .as("why: the app is not JSON").hasMessageContaining("not JSON");
        List<String> accepted = new ArrayList<>();
        for (String path : stringOptions()) {
            assertThat(ALL_ON).as("ALL_ON gives every string option a value").containsKey(path);
            String good = (String) ALL_ON.get(path);
            String name = path.substring(path.lastIndexOf('.') + 1);
            for (char c : new char[] {'\u0000', '\u0001', '\t', '\n', '\r', '\u001f'}) {
                int half = good.length() / 2;
                for (String bad : List.of(c + good, good.substring(0, half) + c + good.substring(half), good + c)) {
                    Map<String, Object> overrides = new HashMap<>(ALL_ON);
                    overrides.put(path, bad);
                    if (schemaProblems(overrides).stream().noneMatch(m -> m.contains(name))) {
                        accepted.add(path + " = " + JSON.valueToTree(bad));
                    }
                }
            }
        }
        assertThat(accepted).as("string options that take a control character").isEmpty();
    }

    /** Kubernetes in pod mode: every block of ALL_ON, without the service name. */
    static final Map<String, Object> POD_MODE = with(ALL_ON, "locators.kubernetes.service-name", "");

    private static Map<String, Object> with(Map<String, Object> base, String path, Object value) {
        Map<String, Object> options = new HashMap<>(base);
        options.put(path, value);
        return options;
    }

    /**
     * Values of one option each that mpp refuses at start, so every task would exit 1, with what the schema's
     * message names and what the rules, from mpp's own checks, say.
     */
    static Stream<Arguments> valuesMppRefuses() {
        return Stream.of(
                Arguments.of(with(ALL_ON, "routing.selection-interval", "10x"), "selection-interval",
                        "env MPP_SELECTION_INTERVAL: '10x' is not a duration"),
                Arguments.of(with(ALL_ON, "routing.selection-interval", "10"), "selection-interval",
                        "env MPP_SELECTION_INTERVAL: '10' is not a duration"),
                Arguments.of(with(ALL_ON, "routing.selection-interval", "50ms"), "selection-interval",
                        "env MPP_SELECTION_INTERVAL: '50ms' is too short"),
                Arguments.of(with(ALL_ON, "routing.selection-interval", "99999999999h"), "selection-interval",
                        "env MPP_SELECTION_INTERVAL: '99999999999h' is too long a duration"),
                Arguments.of(with(ALL_ON, "routing.strategy", "minimum-history:5x"), "strategy",
                        "env MPP_ROUTING_STRATEGY: routing strategy 'minimum-history:5x': '5x' is not a duration"),
                Arguments.of(with(ALL_ON, "routing.strategy", "minimum-history:0s"), "strategy",
                        "minimum-history needs a positive duration"),
                Arguments.of(with(ALL_ON, "routing.strategy", "minimum-history:"), "strategy",
                        "routing strategy 'minimum-history' needs a duration"),
                Arguments.of(with(ALL_ON, "locators.marathon-url", "marathon.mesos:8080"), "marathon-url",
                        "'marathon.mesos:8080' is not an http:// or https:// URL with a host"),
                Arguments.of(with(ALL_ON, "locators.marathon-url", "http://m_1:8080"), "marathon-url",
                        "'http://m_1:8080' is not an http:// or https:// URL with a host"),
                Arguments.of(with(ALL_ON, "locators.marathon-url", "http://m1:8080/?x=1"), "marathon-url",
                        "MPP_MARATHON_URL (urls): 'http://m1:8080/?x=1' is not a Marathon base URL"),
                Arguments.of(with(ALL_ON, "locators.marathon-url", "http://mpp:pw@m1:8080"), "marathon-url",
                        "carries credentials"),
                Arguments.of(with(ALL_ON, "locators.marathon-url", ","), "marathon-url",
                        "MPP_MARATHON_URL (urls) lists no URL"),
                Arguments.of(with(ALL_ON, "locators.marathon-apps", "/prom etheus"), "marathon-apps",
                        "'/prom etheus' is not a Marathon app ID"),
                Arguments.of(with(ALL_ON, "locators.marathon-port", "99999999999"), "marathon-port",
                        "'99999999999' is too large an index"),
                Arguments.of(with(ALL_ON, "locators.marathon-auth-endpoint", "leader.mesos/acs/api/v1/auth/login"),
                        "marathon-auth-endpoint", "is not an http:// or https:// URL"),
                Arguments.of(with(ALL_ON, "locators.kubernetes.service-name", "Prom_1"), "service-name",
                        "env MPP_KUBE_SERVICE_NAME: 'Prom_1' is not a Kubernetes service name"),
                Arguments.of(with(ALL_ON, "locators.kubernetes.service-name", "1prom"), "service-name",
                        "env MPP_KUBE_SERVICE_NAME: '1prom' is not a Kubernetes service name"),
                Arguments.of(with(ALL_ON, "locators.kubernetes.namespace", "n".repeat(64)), "namespace",
                        "is not a Kubernetes name"),
                Arguments.of(with(ALL_ON, "locators.kubernetes.port", "99999"), "port",
                        "env MPP_KUBE_PORT: '99999' is not a TCP port (1 to 65535)"),
                Arguments.of(with(ALL_ON, "locators.kubernetes.port", "0"), "port",
                        "env MPP_KUBE_PORT: '0' is not a TCP port (1 to 65535)"),
                Arguments.of(with(ALL_ON, "locators.kubernetes.port", "-web"), "port",
                        "env MPP_KUBE_PORT: '-web' is neither a port number nor a port name"),
                Arguments.of(with(POD_MODE, "locators.kubernetes.port", "prometheus-web-ui"), "kubernetes",
                        "port 'prometheus-web-ui' cannot name a container port"),
                Arguments.of(with(ALL_ON, "service.haproxy-group", ""), "haproxy-group",
                        "HAPROXY_GROUP is missing"),
                Arguments.of(with(ALL_ON, "service.secret-name", " "), "secret-name",
                        "secret serviceCredential has no source"),
                Arguments.of(with(ALL_ON, "routing.affinity-key-secret", " "), "affinity-key-secret",
                        "secret affinityKey has no source"),
                Arguments.of(with(ALL_ON, "service.shutdown-grace-period-seconds",
                        new java.math.BigInteger("99999999999999999999")), "shutdown-grace-period-seconds",
                        "MPP_SHUTDOWN_GRACE_PERIOD"));
    }

    @ParameterizedTest
    @MethodSource("valuesMppRefuses")
    void theSchemaRefusesWhatMppRefusesAtStart(Map<String, Object> overrides, String named, String mppSays) {
        assertThat(MarathonAppRules.problems(UniversePackage.render(UniversePackage.options(overrides))))
                .as("the rules, i.e. mpp at start").anyMatch(p -> p.contains(mppSays));
        assertThat(schemaProblems(overrides)).anyMatch(m -> m.contains(named));
    }

    /** Per string option, values mpp takes, each with {@link #ALL_ON}'s other options. */
    static final Map<String, List<String>> GOOD_VALUES = Map.ofEntries(
            Map.entry("service.name", List.of("mpp", "prom-proxy", "a1")),
            Map.entry("service.secret-name", List.of("", "mpp/sa", "monitoring/mpp-secret")),
            Map.entry("service.haproxy-group", List.of("internal", "external", "internal,external")),
            Map.entry("locators.marathon-url", List.of("http://marathon.mesos:8080", "https://leader.mesos",
                    "https://m1.mesos:8443,https://m2.mesos:8443", "http://m1:8080, http://m2:8080",
                    "https://leader.mesos/service/marathon/", "http://10.0.0.1:8080", "HTTP://Marathon.Mesos:8080")),
            Map.entry("locators.marathon-apps", List.of("/prometheus", "prometheus", "/monitoring/prometheus/",
                    "/monitoring/prometheus-a,/monitoring/prometheus-b", "/a, /b", "/Prom_1.x")),
            Map.entry("locators.marathon-port", List.of("0", "1", "999999999", "web", "prometheus_http.1")),
            Map.entry("locators.marathon-auth-endpoint", List.of("", "https://leader.mesos/acs/api/v1/auth/login",
                    "http://10.0.0.1:8101/acs/api/v1/auth/login")),
            Map.entry("locators.marathon-ca-file", List.of("", "/mnt/mesos/sandbox/.ssl/ca-bundle.crt")),
            Map.entry("locators.backend-ca-file", List.of("", "/mnt/mesos/sandbox/ca.pem", "certs/a ca.pem")),
            Map.entry("locators.endpoints-file", List.of("", "/mnt/mesos/sandbox/endpoints")),
            Map.entry("locators.kubernetes.kubeconfig", List.of("", "/mnt/mesos/sandbox/kubeconfig")),
            Map.entry("locators.kubernetes.namespace", List.of("default", "monitoring", "0ns", "n".repeat(63))),
            Map.entry("locators.kubernetes.service-name", List.of("", "prometheus", "p", "prom-1", "s".repeat(63))),
            Map.entry("locators.kubernetes.pod-label-selector", List.of("", "app=prometheus",
                    "app=prometheus,tier in (monitoring),!canary")),
            Map.entry("locators.kubernetes.port", List.of("", "web", "9090", "1", "65535", "prometheus-web-ui")),
            Map.entry("routing.strategy", List.of("single-most-data", "random", "minimum-history:24h",
                    "minimum-history:1h30m", "minimum-history:7d", "minimum-history:1.5h", "minimum-history:1ns",
                    "minimum-history:0.5h", "minimum-history:0h0.25m")),
            Map.entry("routing.selection-interval", List.of("10s", "1m30s", "100ms", "2h", "1.5s", "7d", "1m")),
            Map.entry("routing.affinity-options", List.of("", "cookies", "sourceip", "cookies,sourceip")),
            Map.entry("routing.affinity-trusted-proxies", List.of("", "0", "1", "64")),
            Map.entry("routing.affinity-cookie-name", List.of("MPP.Route", "mpp_route-2")),
            Map.entry("routing.affinity-key-secret", List.of("", "mpp/affinity-key")));

    /**
     * What the schema takes, mpp takes: for every string option, its good values, the bad ones above, and edits of
     * the good ones (seeded, so a failure repeats) that the schema accepts render an app the rules find no fault
     * with, in service mode and in pod mode. The good values themselves must pass the schema.
     */
    @Test
    void everyValueTheSchemaTakesRendersAnAppMppStartsWith() {
        JsonSchema schema = DRAFT_4.getSchema(UniversePackage.read("config.json"));
        assertThat(GOOD_VALUES.keySet()).containsExactlyInAnyOrderElementsOf(stringOptions());
        List<String> refusedGood = new ArrayList<>();
        List<String> brokenApps = new ArrayList<>();
        Random random = new Random(20261123);
        String alphabet = "az09AZ.-_:/,@?#% smhdun5\"\\\n\u00b5";
        int accepted = 0;
        for (String path : stringOptions()) {
            Set<String> candidates = new java.util.LinkedHashSet<>(GOOD_VALUES.get(path));
            valuesMppRefuses().map(a -> (Map<?, ?>) a.get()[0]).forEach(o -> candidates.add((String) o.get(path)));
            for (String good : GOOD_VALUES.get(path)) {
                for (int i = 0; i < 40; i++) {
                    candidates.add(mutant(good, alphabet, random));
                }
            }
            candidates.remove(null);
            for (String value : candidates) {
                // Pod mode changes what the Kubernetes options may hold; the others are the same in both modes.
                for (Map<String, Object> base : path.contains("kubernetes") ? List.of(ALL_ON, POD_MODE)
                        : List.of(ALL_ON)) {
                    Map<String, Object> options = UniversePackage.options(with(base, path, value));
                    boolean valid = messages(schema.validate(UniversePackage.optionsAsJson(options))).isEmpty();
                    if (!valid && base == ALL_ON && GOOD_VALUES.get(path).contains(value)) {
                        refusedGood.add(path + " = " + JSON.valueToTree(value));
                    }
                    if (valid) {
                        accepted++;
                        List<String> problems;
                        try {
                            problems = MarathonAppRules.problems(UniversePackage.render(options));
                        } catch (AssertionError notJson) {
                            problems = List.of("the app is not JSON");
                        }
                        if (!problems.isEmpty()) {
                            brokenApps.add(path + " = " + JSON.valueToTree(value) + (base == POD_MODE ? " (pod mode)"
                                    : "") + ": " + problems);
                        }
                    }
                }
            }
        }
        assertThat(refusedGood).as("good values the schema refuses").isEmpty();
        assertThat(brokenApps).as("values the schema takes but mpp refuses").isEmpty();
        assertThat(accepted).as("the edits reach values the schema takes, not only ones it refuses")
                .isGreaterThan(500);
    }

    /** One to three random edits (insert, replace, delete) of a value. */
    private static String mutant(String value, String alphabet, Random random) {
        StringBuilder text = new StringBuilder(value);
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(text.length() + 1);
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            switch (random.nextInt(3)) {
                case 0 -> text.insert(at, c);
                case 1 -> {
                    if (at < text.length()) {
                        text.setCharAt(at, c);
                    }
                }
                default -> {
                    if (at < text.length()) {
                        text.deleteCharAt(at);
                    }
                }
            }
        }
        return text.toString();
    }

    static Map<String, String> env(JsonNode app) {
        Map<String, String> values = new java.util.HashMap<>();
        app.path("env").fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                values.put(e.getKey(), e.getValue().asText());
            }
        });
        return values;
    }

    /** What config.json says of the defaults with these options replaced, as Cosmos validates them. */
    static List<String> schemaProblems(Map<String, Object> overrides) {
        JsonSchema schema = DRAFT_4.getSchema(UniversePackage.read("config.json"));
        return messages(schema.validate(UniversePackage.optionsAsJson(UniversePackage.options(overrides))));
    }

    static List<String> violations(String schemaFile, JsonNode document) throws IOException {
        try (InputStream in = UniversePackageTest.class.getResourceAsStream("/universe-schemas/" + schemaFile)) {
            return messages(DRAFT_4.getSchema(JSON.readTree(in)).validate(document));
        }
    }

    private static List<String> messages(Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        int artifact = pom.indexOf("<artifactId>mpp</artifactId>");
        int start = pom.indexOf("<version>", artifact) + "<version>".length();
        return pom.substring(start, pom.indexOf("</version>", start));
    }
}
