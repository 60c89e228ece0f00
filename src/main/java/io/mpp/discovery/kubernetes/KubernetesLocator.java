package io.mpp.discovery.kubernetes;

import io.mpp.discovery.Endpoint;
import io.mpp.discovery.Locator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds Prometheus backends in Kubernetes: lists the service's endpoints or the selected pods at every selection.
 * A failed call throws, so the last good backends stay in use ({@link io.mpp.discovery.CompositeLocator}).
 */
final class KubernetesLocator implements Locator {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLocator.class);

    private final String name;
    private final ObjectSource source;
    /** Last reported problems, so that an unchanged unusable object is not logged at every selection. */
    private volatile List<String> lastProblems = List.of();

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
        return listing.endpoints();
    }
}
