package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.mpp.discovery.kubernetes.ApiObjects.EndpointSlice;
import io.mpp.discovery.kubernetes.ApiObjects.SliceEndpoint;
import io.mpp.discovery.kubernetes.ApiObjects.TargetRef;
import io.mpp.util.PeerText;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Call;

/**
 * Service mode on discovery.k8s.io/v1: every EndpointSlice labelled with the service's name; an endpoint serves
 * when it is ready (an absent condition counts as ready, as the API documents).
 */
final class EndpointSlices implements ObjectKind {

    private final String namespace;
    private final String service;
    private final ServiceBackends backends;

    EndpointSlices(String namespace, String service, ServiceBackends backends) {
        this.namespace = namespace;
        this.service = service;
        this.backends = backends;
    }

    @Override
    public String resource() {
        return "endpointslices";
    }

    @Override
    public String group() {
        return "discovery.k8s.io";
    }

    @Override
    public String describe() {
        return "the EndpointSlices of service '" + service + "' in namespace '" + namespace + "'";
    }

    @Override
    public Call call(ApiClient client, String resourceVersion, Integer watchSeconds) throws ApiException {
        var request = new DiscoveryV1Api(client).listNamespacedEndpointSlice(namespace)
                .labelSelector("kubernetes.io/service-name=" + service);
        if (watchSeconds != null) {
            request.watch(true).allowWatchBookmarks(true).resourceVersion(resourceVersion).timeoutSeconds(watchSeconds);
        }
        return request.buildCall(null);
    }

    @Override
    public Found read(JsonNode object) {
        String what = "EndpointSlice " + object.path("metadata").path("name").asText("?");
        EndpointSlice slice;
        try {
            slice = ApiServer.MAPPER.treeToValue(object, EndpointSlice.class);
        } catch (Exception e) {
            return Found.problem(what + ": unreadable: " + PeerText.oneLine(String.valueOf(e.getMessage()), 300));
        }
        List<ServiceBackends.Ready> ready = new ArrayList<>();
        for (SliceEndpoint endpoint : slice.endpoints() == null ? List.<SliceEndpoint>of() : slice.endpoints()) {
            boolean isReady = endpoint.conditions() == null || endpoint.conditions().ready() == null
                    || endpoint.conditions().ready();
            // Every address of an endpoint is the same pod; the controller writes exactly one.
            if (isReady && endpoint.addresses() != null && !endpoint.addresses().isEmpty()) {
                ready.add(new ServiceBackends.Ready(endpoint.addresses().get(0), replica(endpoint.targetRef())));
            }
        }
        return backends.read(what, ready, slice.ports(), true);
    }

    /** The pod behind an endpoint, which a dual-stack service lists in a slice of each family; null: unknown. */
    private static String replica(TargetRef target) {
        if (target == null || target.name() == null) {
            return null;
        }
        return target.uid() != null ? target.uid() : target.kind() + "/" + target.namespace() + "/" + target.name();
    }
}
