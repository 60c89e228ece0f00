package io.mpp;

import io.dropwizard.configuration.ConfigurationException;
import java.util.LinkedHashSet;
import java.util.Set;

/** Turns whatever stopped mpp from starting into one line a user can act on. */
public final class StartupFailure {

    private StartupFailure() {
    }

    public static String describe(Throwable failure) {
        if (failure instanceof ConfigurationException) {
            // Dropwizard's message already names the file, the setting's path and the problem.
            return "mpp: cannot start: " + failure.getMessage().strip();
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
        return "mpp: cannot start: " + String.join(": ", parts);
    }
}
