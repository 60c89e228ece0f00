package io.mpp.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** How a Marathon app's tasks are reached; it decides where the address and the port of a task come from. */
public enum NetworkMode {
    /** The task's agent address and the host ports Marathon gave it ({@code task.ports}). */
    HOST,
    /** Docker bridge: the agent address and the host ports mapped to the container's ports. */
    BRIDGE,
    /** IP per task (CNI, overlay): the task's own IP address and the container port. */
    CONTAINER;

    /**
     * Reads {@code networks[0].mode} (Marathon 1.5+); older app definitions give
     * {@code container.docker.network} ({@code BRIDGE}, {@code USER}) or an {@code ipAddress} block.
     */
    public static NetworkMode of(JsonNode app) {
        JsonNode networks = app.path("networks");
        if (networks.isArray() && !networks.isEmpty()) {
            String mode = networks.get(0).path("mode").asText("host").toLowerCase(Locale.ROOT);
            return switch (mode) {
                case "container/bridge" -> BRIDGE;
                case "container" -> CONTAINER;
                default -> HOST;
            };
        }
        String docker = app.path("container").path("docker").path("network").asText("").toUpperCase(Locale.ROOT);
        if (docker.equals("BRIDGE")) {
            return BRIDGE;
        }
        if (docker.equals("USER") || app.path("ipAddress").isObject()) {
            return CONTAINER;
        }
        return HOST;
    }

    /** The port list whose order the index and names refer to. */
    JsonNode portList(JsonNode app) {
        if (this == HOST) {
            return app.path("portDefinitions");
        }
        JsonNode mappings = app.path("container").path("portMappings");
        return mappings.isArray() ? mappings : app.path("container").path("docker").path("portMappings");
    }

    @Override
    public String toString() {
        return switch (this) {
            case HOST -> "host";
            case BRIDGE -> "container/bridge";
            case CONTAINER -> "container";
        };
    }
}
