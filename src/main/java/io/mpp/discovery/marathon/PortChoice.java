package io.mpp.discovery.marathon;

/**
 * Which of a task's ports is Prometheus: by index ({@code 0} is the first) or by the port's name in the app
 * definition ({@code portDefinitions[].name}, or {@code portMappings[].name} in container networking).
 */
public record PortChoice(int index, String name) {

    /** @throws IllegalArgumentException naming the setting */
    public static PortChoice parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            return new PortChoice(0, null);
        }
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return new PortChoice(Integer.parseInt(value), null);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("MPP_MARATHON_PORT (port) '" + value + "' is too large an index");
            }
        }
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("MPP_MARATHON_PORT (port) '" + value + "' is neither a port index"
                    + " (0, 1, ...) nor a port name");
        }
        return new PortChoice(-1, value);
    }

    public boolean byName() {
        return name != null;
    }

    @Override
    public String toString() {
        return byName() ? "port named '" + name + "'" : "port index " + index;
    }
}
