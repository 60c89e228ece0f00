package io.mpp.selection;

import io.mpp.util.GoDuration;
import java.util.List;
import java.util.Locale;

/** Parses the original's strategy syntax, {@code name[:argument]}. */
public final class RoutingStrategies {

    public static final List<String> ACCEPTED = List.of("single-most-data", "minimum-history:<duration>", "random");

    private RoutingStrategies() {
    }

    /** @throws IllegalArgumentException naming the text and the accepted strategies */
    public static Strategy parse(String spec) {
        String text = spec == null ? "" : spec.strip();
        int colon = text.indexOf(':');
        String name = (colon < 0 ? text : text.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
        String argument = colon < 0 ? null : text.substring(colon + 1).strip();
        switch (name) {
            case "single-most-data":
                noArgument(name, argument);
                return new SingleMostDataStrategy();
            case "minimum-history":
                if (argument == null || argument.isEmpty()) {
                    throw new IllegalArgumentException("routing strategy 'minimum-history' needs a duration, e.g."
                            + " minimum-history:2h30m or minimum-history:7d");
                }
                try {
                    return new MinimumHistoryStrategy(GoDuration.parse(argument));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("routing strategy '" + text + "': " + e.getMessage());
                }
            case "random":
                noArgument(name, argument);
                return new RandomStrategy();
            default:
                throw new IllegalArgumentException("unknown routing strategy '" + text + "'; accepted: "
                        + String.join(", ", ACCEPTED));
        }
    }

    private static void noArgument(String name, String argument) {
        if (argument != null) {
            throw new IllegalArgumentException("routing strategy '" + name + "' takes no argument (got '"
                    + argument + "')");
        }
    }
}
