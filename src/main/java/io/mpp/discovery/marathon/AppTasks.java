package io.mpp.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpp.discovery.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus endpoints of one Marathon app: its running (and, where it has health checks, healthy) tasks,
 * addressed by the app's network mode. A task that cannot be addressed is skipped with a message naming it.
 */
public final class AppTasks {

    static final String RUNNING = "TASK_RUNNING";

    /**
     * @param skipped    one message per task (or for the app) that is running and healthy but has no usable address
     * @param running    tasks in {@code TASK_RUNNING}, healthy or not
     * @param notRunning tasks in another state than {@code TASK_RUNNING} (staging, killing, ...)
     * @param notHealthy running tasks without a live result from every health check (yet)
     */
    public record Result(List<Endpoint> endpoints, List<String> skipped, int running, int notRunning,
                         int notHealthy) {
    }

    private AppTasks() {
    }

    /** @param app the {@code app} object of {@code GET /v2/apps/{id}}, with its {@code tasks} embedded */
    public static Result of(JsonNode app, PortChoice port, String locator) {
        String appId = app.path("id").asText("?");
        NetworkMode mode = NetworkMode.of(app);
        JsonNode portList = portList(app, mode);
        List<String> skipped = new ArrayList<>();
        int index = port.index();
        if (port.byName()) {
            index = indexOfName(portList, port.name());
            if (index < 0) {
                skipped.add("app " + appId + " (" + mode + " networking) has no port named '" + port.name()
                        + "'; its ports are " + names(portList));
                int running = 0;
                for (JsonNode task : app.path("tasks")) {
                    running += running(task) ? 1 : 0;
                }
                return new Result(List.of(), skipped, running, app.path("tasks").size() - running, 0);
            }
        }
        int checks = app.path("healthChecks").isArray() ? app.path("healthChecks").size() : 0;
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        int running = 0;
        int notRunning = 0;
        int notHealthy = 0;
        for (JsonNode task : app.path("tasks")) {
            if (!running(task)) {
                notRunning++;
                continue;
            }
            running++;
            if (checks > 0 && !healthy(task, checks)) {
                notHealthy++;
                continue;
            }
            String taskId = task.path("id").asText("?");
            try {
                Endpoint endpoint = mode == NetworkMode.CONTAINER
                        ? Endpoint.of("http", ipAddress(task), containerPort(portList, index, mode), locator)
                        : Endpoint.of("http", host(task), hostPort(task, index), locator);
                endpoints.putIfAbsent(endpoint.url(), endpoint);
            } catch (IllegalArgumentException e) {
                skipped.add("task " + taskId + " of app " + appId + " (" + mode + " networking) skipped: "
                        + e.getMessage());
            }
        }
        return new Result(List.copyOf(endpoints.values()), List.copyOf(skipped), running, notRunning, notHealthy);
    }

    /** Older Marathon reports no state; it listed a task once it had started. */
    private static boolean running(JsonNode task) {
        JsonNode state = task.get("state");
        if (state != null && state.isTextual()) {
            return RUNNING.equals(state.asText());
        }
        return task.hasNonNull("startedAt");
    }

    /**
     * Healthy when every one of the app's health checks has reported (Marathon lists a check's result once it has
     * run), and every one of them alive.
     */
    private static boolean healthy(JsonNode task, int checks) {
        JsonNode results = task.path("healthCheckResults");
        if (!results.isArray() || results.size() < checks) {
            return false;
        }
        for (JsonNode result : results) {
            if (!result.path("alive").asBoolean(false)) {
                return false;
            }
        }
        return true;
    }

    private static String host(JsonNode task) {
        String host = task.path("host").asText("");
        if (host.isBlank()) {
            throw new IllegalArgumentException("it has no host");
        }
        return host;
    }

    private static int hostPort(JsonNode task, int index) {
        JsonNode ports = task.path("ports");
        if (!ports.isArray() || ports.size() <= index) {
            throw new IllegalArgumentException("it has " + (ports.isArray() ? ports.size() : 0)
                    + " host port(s), so there is no port at index " + index);
        }
        return portOf(ports.get(index));
    }

    private static String ipAddress(JsonNode task) {
        for (JsonNode address : task.path("ipAddresses")) {
            String ip = address.path("ipAddress").asText("");
            if (!ip.isBlank()) {
                return ip;
            }
        }
        throw new IllegalArgumentException("it has no IP address (ipAddresses is empty)");
    }

    private static int containerPort(JsonNode portList, int index, NetworkMode mode) {
        if (!portList.isArray() || portList.size() <= index) {
            throw new IllegalArgumentException("the app has " + (portList.isArray() ? portList.size() : 0)
                    + " port mapping(s), so there is no port at index " + index);
        }
        JsonNode mapping = portList.get(index);
        return portOf(mapping.has("containerPort") ? mapping.path("containerPort") : mapping.path("number"));
    }

    private static int portOf(JsonNode port) {
        if (port.isMissingNode() || port.isNull()) {
            throw new IllegalArgumentException("its port is not given");
        }
        boolean digits = port.isTextual() && port.asText().matches("[0-9]{1,9}");
        if (!port.isIntegralNumber() && !digits) {
            String shown = port.isTextual() ? "'" + port.asText() + "'" : port.toString();
            throw new IllegalArgumentException("its port " + (shown.length() <= 40 ? shown : shown.substring(0, 40)
                    + "...") + " is not a number");
        }
        long number = digits ? Long.parseLong(port.asText()) : port.canConvertToLong() ? port.longValue() : -1;
        if (number <= 0 || number > 65535) {
            throw new IllegalArgumentException("its port is " + port.asText() + ", not a usable port number");
        }
        return (int) number;
    }

    /** Port definitions or mappings; legacy IP-per-task apps list theirs under {@code ipAddress.discovery}. */
    private static JsonNode portList(JsonNode app, NetworkMode mode) {
        JsonNode list = mode.portList(app);
        if (mode == NetworkMode.CONTAINER && (!list.isArray() || list.isEmpty())) {
            return app.path("ipAddress").path("discovery").path("ports");
        }
        return list;
    }

    private static int indexOfName(JsonNode portList, String name) {
        if (!portList.isArray()) {
            return -1;
        }
        for (int i = 0; i < portList.size(); i++) {
            if (name.equals(portList.get(i).path("name").asText(null))) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> names(JsonNode portList) {
        List<String> names = new ArrayList<>();
        if (!portList.isArray()) {
            return names;
        }
        for (JsonNode p : portList) {
            names.add(p.path("name").asText("(unnamed)"));
        }
        return names;
    }
}
