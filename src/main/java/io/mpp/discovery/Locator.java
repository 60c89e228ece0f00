package io.mpp.discovery;

import java.util.List;

/**
 * Finds candidate Prometheus backends. Called by the selector at every selection, never on a request thread.
 */
public interface Locator {

    /** Short name for logs, metrics and the status page, e.g. {@code file:/etc/mpp/endpoints}. */
    String name();

    /**
     * Returns the current candidates. Lines or items that cannot be used are reported by the locator and skipped.
     *
     * @throws DiscoveryException when discovery failed as a whole; the previous answer then stays in use
     */
    List<Endpoint> locate() throws DiscoveryException;

    /**
     * What went wrong in the last {@link #locate()} that still answered: a part of the discovery that failed while
     * the rest worked (e.g. one of several Marathon apps could not be read), or null when nothing did. The locator
     * logs it itself; health checks and metrics report it.
     */
    default String problem() {
        return null;
    }

    /**
     * What the last {@link #locate()} skipped while it still found endpoints (e.g. bad lines of a file): shown by the
     * locator's health check and on the status page, but no failure, so it keeps the check healthy. Null when nothing
     * was skipped. The locator logs it itself.
     */
    default String warning() {
        return null;
    }
}
