package io.mpp.discovery.kubernetes;

import io.mpp.discovery.Endpoint;
import io.mpp.discovery.Locator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds Prometheus backends in Kubernetes: lists the service's endpoints or the selected pods at every selection.
 * A failed call throws, so the last good backends stay in use ({@link io.mpp.discovery.CompositeLocator}). What a
 * list skipped (a slice or pod without the port) is a {@link #warning()} while endpoints were found, a
 * {@link #problem()} when none was: a wrong {@code MPP_KUBE_PORT} then fails the locator's health check.
 */
final class KubernetesLocator implements Locator {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLocator.class);

    private final String name;
    private final ObjectSource source;
    /** Last reported problems, so that an unchanged unusable object is not logged at every selection. */
    private volatile List<String> lastProblems = List.of();
    /** What the last list that answered found and skipped, for {@link #problem()} and {@link #warning()}. */
    private volatile Outcome last = new Outcome(0, List.of());

    KubernetesLocator(String name, ObjectSource source) {
        this.name = name;
        this.source = source;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Endpoint> locate() throws ApiCallException {
        Listing listing = source.list();
        List<String> problems = listing.problems();
        if (!problems.equals(lastProblems)) {
            problems.forEach(problem -> LOG.warn("{}: {}", name, problem));
            lastProblems = problems;
        }
        List<Endpoint> endpoints = listing.endpoints();
        last = new Outcome(endpoints.size(), problems);
        return endpoints;
    }

    /** Addresses skipped with none left: the service or pods as configured serve nothing. */
    @Override
    public String problem() {
        Outcome outcome = last;
        return outcome.problems().isEmpty() || outcome.found() > 0 ? null
                : outcome.summary() + ", and no endpoint found";
    }

    /** Addresses skipped next to endpoints that work: shown, but the locator stays healthy. */
    @Override
    public String warning() {
        Outcome outcome = last;
        return outcome.problems().isEmpty() || outcome.found() == 0 ? null : outcome.summary();
    }

    /** How many endpoints a list found, and what it skipped. */
    private record Outcome(int found, List<String> problems) {

        /** One line for a health check or the status page; the log has every problem. */
        String summary() {
            String first = problems.get(0);
            return problems.size() == 1 ? first : problems.size() + " problems, first: " + first;
        }
    }
}
