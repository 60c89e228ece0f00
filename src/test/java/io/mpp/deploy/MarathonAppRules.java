package io.mpp.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.util.Duration;
import io.mpp.cli.ConfigVariables;
import io.mpp.cli.Flag;
import io.mpp.cli.ProxyFlags;
import io.mpp.discovery.kubernetes.KubernetesLocatorFactory;
import io.mpp.discovery.kubernetes.KubernetesStartChecks;
import io.mpp.discovery.marathon.MarathonStartChecks;
import io.mpp.discovery.marathon.PortChoice;
import io.mpp.proxy.affinity.AffinityFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What makes a Marathon app JSON one that DC/OS runs as mpp: Marathon's field types, the conventions of REFERENCE
 * section 4 (MESOS_HTTP health check, named ports, Admin Router and marathon-lb labels, secrets), and settings
 * mpp accepts at start: its flags' checks, config.yml's readers and the checks the locators make when they are
 * built, each mpp's own code. Returns every problem found, so a failing test lists them all.
 */
final class MarathonAppRules {

    /** Variables the app may set besides mpp's flags' ones. */
    private static final Set<String> OTHER_VARIABLES = Set.of("DCOS_SERVICE_ACCOUNT_CREDENTIAL", "JAVA_TOOL_OPTIONS");

    private final List<String> problems = new ArrayList<>();

    private MarathonAppRules() {
    }

    static List<String> problems(JsonNode app) {
        MarathonAppRules rules = new MarathonAppRules();
        rules.check(app);
        return rules.problems;
    }

    private void check(JsonNode app) {
        expect(app.path("id").asText().matches("(/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)+"), "id is not a Marathon app ID: "
                + app.path("id"));
        expect(app.path("instances").isInt() && app.path("instances").asInt() >= 1,
                "instances must be an integer >= 1");
        expect(app.path("cpus").isNumber() && app.path("cpus").asDouble() > 0, "cpus must be a positive number");
        expect(app.path("mem").isNumber() && app.path("mem").asDouble() >= 256, "mem must be a number >= 256 (MiB)");
        expect(!app.has("cmd") && !app.has("args"), "cmd/args would replace the image's entrypoint that runs mpp");
        String image = app.path("container").path("docker").path("image").asText();
        expect(image.matches("[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+:[A-Za-z0-9._-]+"),
                "container.docker.image is not an image name with a tag: " + image);
        expect(Set.of("MESOS", "DOCKER").contains(app.path("container").path("type").asText()),
                "container.type must be MESOS or DOCKER");

        JsonNode env = app.path("env");
        Map<String, String> settings = strings(env);
        JsonNode ports = app.path("container").path("portMappings");
        expect(app.path("networks").path(0).path("mode").asText().equals("container/bridge"),
                "networks must be container/bridge (ports are container ports, host ports are assigned)");
        expect(ports.isArray() && ports.size() > 0, "container.portMappings is missing");
        for (JsonNode port : ports) {
            expect(port.path("name").asText().matches("[a-z][a-z0-9-]*"), "every port needs a name: " + port);
            expect(port.path("containerPort").isInt(), "containerPort must be an integer: " + port);
            expect(port.path("hostPort").asInt(-1) == 0, "hostPort must be 0 (assigned by Marathon): " + port);
        }
        int httpIndex = indexOf(ports, "containerPort", settings.get("MPP_PORT"));
        expect(httpIndex >= 0, "no port mapping has containerPort = MPP_PORT (" + settings.get("MPP_PORT") + ")");
        expect(httpIndex < 0 || ports.path(httpIndex).path("name").asText().equals("http"),
                "the proxy's port must be named http");
        expect(indexOf(ports, "containerPort", settings.get("MPP_ADMIN_PORT")) >= 0,
                "no port mapping has containerPort = MPP_ADMIN_PORT (" + settings.get("MPP_ADMIN_PORT") + ")");

        checkEnv(env, app.path("secrets"));
        checkLocators(settings);
        checkHealth(app.path("healthChecks"), httpIndex);
        checkLabels(app, httpIndex);

        long grace = 15;
        try {
            grace = settings.containsKey("MPP_SHUTDOWN_GRACE_PERIOD")
                    ? Duration.parse(settings.get("MPP_SHUTDOWN_GRACE_PERIOD")).toSeconds() : 15;
        } catch (IllegalArgumentException reportedByCheckEnv) {
            // not a duration mpp takes: checkEnv named it
        }
        expect(app.path("taskKillGracePeriodSeconds").asLong() > grace, "taskKillGracePeriodSeconds ("
                + app.path("taskKillGracePeriodSeconds") + ") must exceed mpp's shutdown grace period (" + grace
                + "s), else Marathon kills requests in flight");
    }

    /**
     * Settings whose flags take any text, or might take more than mpp takes at start, checked as config.yml's reader
     * does too: a flag's check that drifted from the reader (as --kube-service-name's once took '1prom') shows here.
     */
    private static final Map<String, java.util.function.Consumer<String>> READERS = Map.of(
            "MPP_MARATHON_PORT", PortChoice::parse,
            "MPP_AFFINITY_TRUSTED_PROXIES", value -> new AffinityFactory().setTrustedProxies(value),
            "MPP_AFFINITY_COOKIE_NAME", value -> new AffinityFactory().setCookieName(value),
            "MPP_KUBE_NAMESPACE", value -> new KubernetesLocatorFactory().setNamespace(value),
            "MPP_KUBE_SERVICE_NAME", value -> new KubernetesLocatorFactory().setServiceName(value),
            "MPP_KUBE_PORT", value -> new KubernetesLocatorFactory().setPort(value));

    /** mpp's flags by variable, read once: the property test checks thousands of apps. */
    private static final Map<String, Flag> FLAGS = ProxyFlags.all(ConfigVariables.bundled()).stream()
            .collect(Collectors.toMap(Flag::variable, Function.identity()));

    private void checkEnv(JsonNode env, JsonNode secrets) {
        env.fields().forEachRemaining(e -> {
            String name = e.getKey();
            JsonNode value = e.getValue();
            if (value.isObject()) {
                String secret = value.path("secret").asText();
                expect(secrets.has(secret), "env " + name + " names the secret '" + secret + "' that secrets lacks");
                return;
            }
            expect(value.isTextual(), "env " + name + " must be a string (Marathon takes no other type)");
            Flag flag = FLAGS.get(name);
            if (flag == null) {
                expect(OTHER_VARIABLES.contains(name), "env " + name + " is no setting of mpp");
            } else {
                // MPP_ROUTING_STRATEGY's check is mpp's parser, which reads minimum-history's duration as mpp does.
                read("env " + name, () -> {
                    flag.check().check(value.asText());
                    READERS.getOrDefault(name, text -> { }).accept(value.asText());
                });
            }
        });
        secrets.fields().forEachRemaining(e -> expect(!e.getValue().path("source").asText().isBlank(),
                "secret " + e.getKey() + " has no source"));
        for (String secretOnly : List.of("DCOS_SERVICE_ACCOUNT_CREDENTIAL", "MPP_AFFINITY_KEY")) {
            if (env.has(secretOnly)) {
                expect(env.path(secretOnly).has("secret"),
                        secretOnly + " must come from a secret, never be written into the app");
            }
        }
    }

    /** The checks mpp makes at start on its locators (MppApplication, the locator factories), on the env. */
    private void checkLocators(Map<String, String> settings) {
        boolean marathon = isSet(settings, "MPP_MARATHON_URL");
        boolean kubernetes = isSet(settings, "MPP_KUBE_SERVICE_NAME") || isSet(settings, "MPP_KUBE_POD_LABEL_SELECTOR");
        expect(marathon || kubernetes || isSet(settings, "MPP_ENDPOINTS_FILE"), "no locator is set, so mpp exits"
                + " at start: set MPP_ENDPOINTS_FILE, MPP_MARATHON_URL, MPP_KUBE_SERVICE_NAME or"
                + " MPP_KUBE_POD_LABEL_SELECTOR");
        expect(!marathon || settings.getOrDefault("MPP_MARATHON_APPS", "").matches(".*[^,\\s].*"),
                "MPP_MARATHON_URL is set but MPP_MARATHON_APPS names no app, so mpp exits at start");
        boolean kubeSettings = settings.keySet().stream().anyMatch(name -> name.startsWith("MPP_KUBE"));
        expect(!kubeSettings || kubernetes, "Kubernetes settings without MPP_KUBE_SERVICE_NAME or"
                + " MPP_KUBE_POD_LABEL_SELECTOR: mpp ignores them and finds nothing in Kubernetes");
        // What the locators check when they are built, after the configuration is read: mpp stops there too.
        if (marathon) {
            read("MPP_MARATHON_URL", () -> MarathonStartChecks.urls(settings.get("MPP_MARATHON_URL")));
            if (settings.getOrDefault("MPP_MARATHON_APPS", "").matches(".*[^,\\s].*")) {
                read("MPP_MARATHON_APPS", () -> MarathonStartChecks.apps(settings.get("MPP_MARATHON_APPS")));
            }
        }
        if (kubernetes && !isSet(settings, "MPP_KUBE_SERVICE_NAME")) {
            read("MPP_KUBE_PORT in pod mode",
                    () -> KubernetesStartChecks.podModePort(settings.getOrDefault("MPP_KUBE_PORT", "")));
        }
    }

    /** Runs one of mpp's checks; what it refuses is a problem, named. */
    private void read(String what, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            problems.add(what + ": " + e.getMessage());
        }
    }

    private static boolean isSet(Map<String, String> settings, String name) {
        return !settings.getOrDefault(name, "").isBlank();
    }

    private void checkHealth(JsonNode checks, int httpIndex) {
        boolean found = false;
        for (JsonNode check : checks) {
            if (check.path("protocol").asText().equals("MESOS_HTTP")
                    && check.path("path").asText().equals("/mpp/health")
                    && check.path("portIndex").asInt(-1) == httpIndex) {
                found = true;
                expect(check.path("timeoutSeconds").asInt() < check.path("intervalSeconds").asInt(),
                        "a health check's timeout must be shorter than its interval");
            }
        }
        expect(found, "no MESOS_HTTP health check on /mpp/health at the http port's index " + httpIndex);
    }

    private void checkLabels(JsonNode app, int httpIndex) {
        JsonNode labels = app.path("labels");
        labels.fields().forEachRemaining(e -> expect(e.getValue().isTextual(), "label " + e.getKey()
                + " must be a string"));
        String id = app.path("id").asText();
        expect(labels.path("DCOS_SERVICE_NAME").asText().equals(id.substring(id.lastIndexOf('/') + 1)),
                "DCOS_SERVICE_NAME must be the app's name");
        expect(labels.path("DCOS_SERVICE_PORT_INDEX").asText().equals(Integer.toString(httpIndex)),
                "DCOS_SERVICE_PORT_INDEX must name the http port (index " + httpIndex + ")");
        expect(labels.path("DCOS_SERVICE_SCHEME").asText().equals("http"), "DCOS_SERVICE_SCHEME must be http");
        expect(!labels.path("HAPROXY_GROUP").asText().isBlank(), "HAPROXY_GROUP is missing");
    }

    private static Map<String, String> strings(JsonNode env) {
        Map<String, String> values = new java.util.HashMap<>();
        env.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                values.put(e.getKey(), e.getValue().asText());
            }
        });
        return values;
    }

    private static int indexOf(JsonNode ports, String field, String value) {
        for (int i = 0; i < ports.size(); i++) {
            if (ports.path(i).path(field).asText().equals(value)) {
                return i;
            }
        }
        return -1;
    }

    private void expect(boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }
}
