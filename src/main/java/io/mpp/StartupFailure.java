package io.mpp;

import io.dropwizard.configuration.ConfigurationException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns whatever stopped mpp from starting into one line a user can act on. */
public final class StartupFailure {

    /** Jackson's pointer into a source it has no name for, and the Java types it went through. */
    private static final Pattern PARSER_LOCATION = Pattern.compile("(?m)\\R?^\\s*at \\[Source: .*$");
    /** Jackson's preamble to a value class's own message ("Invalid duration: 1m30s..."). */
    private static final Pattern CONSTRUCTOR_PREAMBLE =
            Pattern.compile("Cannot construct instance of `[^`]+`, problem: ");
    /** Dropwizard's own duration and size readers (the shutdown grace period, the retry body limit) say no more. */
    private static final Pattern DROPWIZARD_DURATION = Pattern.compile("(?m)(Invalid duration: .*)$");
    private static final Pattern DROPWIZARD_SIZE = Pattern.compile("(?m)(Invalid size: .*)$");
    /** Jackson's path through mpp's classes; Dropwizard's message names the setting already. */
    private static final Pattern REFERENCE_CHAIN = Pattern.compile(" ?\\(through reference chain: [^)]*\\)");

    private StartupFailure() {
    }

    public static String describe(Throwable failure) {
        return "mpp: cannot start: " + reason(failure);
    }

    /** What went wrong, without the parser's internals or the wrappers' repetitions. */
    public static String reason(Throwable failure) {
        if (failure instanceof ConfigurationException) {
            // Dropwizard's message already names the file, the setting's path and the problem.
            String message = PARSER_LOCATION.matcher(failure.getMessage().strip()).replaceAll("");
            message = REFERENCE_CHAIN.matcher(message).replaceAll("");
            message = DROPWIZARD_DURATION.matcher(message)
                    .replaceAll("$1 (a number and one unit, such as 500ms, 15s or 2m)");
            message = DROPWIZARD_SIZE.matcher(message).replaceAll("$1 (a size such as 512KiB, 1MiB or 4MB)");
            return CONSTRUCTOR_PREAMBLE.matcher(message).replaceAll("");
        }
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                // Wrappers repeat their cause's text ("java.io.IOException: Failed to bind ...").
                String own = message.strip();
                if (t.getCause() != null && t.getCause().toString().equals(own)) {
                    continue;
                }
                parts.add(own);
            } else if (t.getCause() == null) {
                parts.add(t.getClass().getSimpleName());
            }
        }
        return String.join(": ", parts);
    }
}
