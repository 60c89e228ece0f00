package io.mpp.discovery.kubernetes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service mode: the service's EndpointSlices, or its v1 Endpoints where the API server does not serve
 * discovery.k8s.io/v1 (the slice list answers 404; such servers stay on Endpoints). A list with no object at all
 * is checked against the service itself, so that a wrong service name is reported instead of "no backends".
 */
final class ServiceSource implements ObjectSource {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceSource.class);

    private final ApiServer api;
    private final String service;
    private final ObjectKind slices;
    private final ObjectKind endpoints;
    private volatile boolean slicesServed = true;

    ServiceSource(ApiServer api, String service, ObjectKind slices, ObjectKind endpoints) {
        this.api = api;
        this.service = service;
        this.slices = slices;
        this.endpoints = endpoints;
    }

    @Override
    public ObjectKind kind() {
        return slicesServed ? slices : endpoints;
    }

    @Override
    public Listing list() throws ApiCallException {
        Listing listing;
        if (slicesServed) {
            try {
                listing = api.list(slices);
            } catch (ApiCallException e) {
                if (e.code() != 404) {
                    throw e;
                }
                // Listing in a namespace never answers 404, so the API group itself is not served.
                LOG.info("the Kubernetes API server at {} does not serve EndpointSlices (discovery.k8s.io/v1);"
                        + " reading the v1 Endpoints of service '{}' instead", api.baseUrl(), service);
                slicesServed = false;
                listing = api.list(endpoints);
            }
        } else {
            listing = api.list(endpoints);
        }
        if (listing.objects().isEmpty() && !api.serviceExists(service)) {
            throw new ApiCallException(404, "service '" + service + "' not found in namespace '" + api.namespace()
                    + "' (MPP_KUBE_SERVICE_NAME, MPP_KUBE_NAMESPACE)");
        }
        return listing;
    }
}
