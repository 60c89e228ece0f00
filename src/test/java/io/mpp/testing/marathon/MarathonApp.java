package io.mpp.testing.marathon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An app as {@code GET /v2/apps/{id}?embed=app.tasks} returns it, in the shape of Marathon 1.x's JSON: network
 * mode, port definitions or mappings, health checks, and tasks with state, host ports, IP addresses and health
 * results.
 */
public final class MarathonApp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "2026-11-20T10:15:30.123Z";

    private final String id;
    private String mode = "host";
    private boolean healthChecks;
    private final List<String> portNames = new ArrayList<>();
    private final List<Integer> containerPorts = new ArrayList<>();
    private final List<Task> tasks = new ArrayList<>();

    private MarathonApp(String id) {
        this.id = id;
    }

    public static MarathonApp app(String id) {
        return new MarathonApp(id);
    }

    /** {@code host}, {@code container/bridge} or {@code container}. */
    public MarathonApp network(String mode) {
        this.mode = mode;
        return this;
    }

    /** A port of the app definition: a port definition in host mode, else a container port mapping. */
    public MarathonApp port(String name, int containerPort) {
        portNames.add(name);
        containerPorts.add(containerPort);
        return this;
    }

    public MarathonApp healthChecked() {
        healthChecks = true;
        return this;
    }

    public MarathonApp task(Task task) {
        tasks.add(task);
        return this;
    }

    /** The whole answer: {@code {"app":{...}}}. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.set("app", node());
        return root.toString();
    }

    public ObjectNode node() {
        ObjectNode app = JSON.createObjectNode();
        app.put("id", id);
        app.put("cmd", mode.equals("host") ? "prometheus --web.listen-address=:$PORT0" : null);
        app.putArray("args");
        app.put("cpus", 0.5).put("mem", 1024).put("disk", 0).put("instances", tasks.size());
        app.putObject("env");
        app.putObject("labels").put("HAPROXY_GROUP", "internal");
        ArrayNode networks = app.putArray("networks");
        ObjectNode network = networks.addObject().put("mode", mode);
        if (mode.equals("container")) {
            network.put("name", "dcos");
        }
        ArrayNode portDefinitions = app.putArray("portDefinitions");
        if (mode.equals("host")) {
            for (int i = 0; i < portNames.size(); i++) {
                ObjectNode definition = portDefinitions.addObject().put("port", 10000 + i).put("protocol", "tcp");
                if (portNames.get(i) != null) {
                    definition.put("name", portNames.get(i));
                }
                definition.putObject("labels");
            }
            app.putNull("container");
        } else {
            ObjectNode container = app.putObject("container").put("type", "DOCKER");
            container.putArray("volumes");
            container.putObject("docker").put("image", "prom/prometheus:v2.42.0").put("forcePullImage", false)
                    .put("privileged", false).putArray("parameters");
            ArrayNode mappings = container.putArray("portMappings");
            for (int i = 0; i < portNames.size(); i++) {
                ObjectNode mapping = mappings.addObject().put("containerPort", containerPorts.get(i));
                if (mode.equals("container/bridge")) {
                    mapping.put("hostPort", 0);
                }
                mapping.put("servicePort", 10000 + i).put("protocol", "tcp");
                if (portNames.get(i) != null) {
                    mapping.put("name", portNames.get(i));
                }
                mapping.putObject("labels");
            }
        }
        ArrayNode checks = app.putArray("healthChecks");
        if (healthChecks) {
            checks.addObject().put("gracePeriodSeconds", 300).put("intervalSeconds", 10)
                    .put("maxConsecutiveFailures", 3).put("portIndex", 0).put("timeoutSeconds", 5)
                    .put("delaySeconds", 15).put("protocol", "MESOS_HTTP").put("path", "/-/healthy")
                    .put("ipProtocol", "IPv4");
        }
        app.put("version", VERSION);
        app.put("tasksStaged", 0).put("tasksRunning", tasks.size()).put("tasksHealthy", 0).put("tasksUnhealthy", 0);
        app.putArray("deployments");
        ArrayNode taskArray = app.putArray("tasks");
        for (Task task : tasks) {
            taskArray.add(task.node(id, healthChecks));
        }
        return app;
    }

    /** One task (instance) of the app. */
    public static final class Task {
        private final String id;
        private String host = "127.0.0.1";
        private final List<Integer> ports = new ArrayList<>();
        private String ipAddress;
        private String state = "TASK_RUNNING";
        private Boolean alive = Boolean.TRUE;

        private Task(String name) {
            this.id = name + "." + UUID.nameUUIDFromBytes(name.getBytes()).toString();
        }

        public static Task task(String name) {
            return new Task(name);
        }

        public String id() {
            return id;
        }

        public Task host(String host) {
            this.host = host;
            return this;
        }

        public Task ports(int... hostPorts) {
            ports.clear();
            for (int p : hostPorts) {
                ports.add(p);
            }
            return this;
        }

        public Task ip(String ipAddress) {
            this.ipAddress = ipAddress;
            return this;
        }

        public Task state(String state) {
            this.state = state;
            return this;
        }

        /** The result of the app's health check; null: none reported yet. */
        public Task alive(Boolean alive) {
            this.alive = alive;
            return this;
        }

        ObjectNode node(String appId, boolean healthChecked) {
            ObjectNode task = JSON.createObjectNode();
            ArrayNode addresses = task.putArray("ipAddresses");
            if (ipAddress != null) {
                addresses.addObject().put("ipAddress", ipAddress).put("protocol", "IPv4");
            }
            task.put("stagedAt", "2026-11-20T10:15:31.456Z");
            task.put("state", state);
            ArrayNode portArray = task.putArray("ports");
            ports.forEach(portArray::add);
            if (!state.equals("TASK_STAGING")) {
                task.put("startedAt", "2026-11-20T10:15:40.789Z");
            }
            task.put("version", VERSION);
            task.put("id", id);
            task.put("appId", appId);
            task.put("slaveId", "a4ba7d2b-4b6f-4d35-8e8e-0e6f1b9a2c11-S3");
            task.put("host", host);
            task.putArray("servicePorts").add(10000);
            if (healthChecked && alive != null) {
                task.putArray("healthCheckResults").addObject()
                        .put("alive", alive)
                        .put("consecutiveFailures", alive ? 0 : 3)
                        .put("firstSuccess", "2026-11-20T10:16:00.000Z")
                        .putNull("lastFailure")
                        .put("lastSuccess", "2026-11-20T10:20:00.000Z")
                        .putNull("lastFailureCause")
                        .put("instanceId", id.replace(".", ".marathon-"));
            }
            return task;
        }
    }
}
