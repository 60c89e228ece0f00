package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.mpp.discovery.kubernetes.ApiObjects.Address;
import io.mpp.discovery.kubernetes.ApiObjects.Endpoints;
import io.mpp.discovery.kubernetes.ApiObjects.Subset;
import io.mpp.util.PeerText;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Call;

/**
 * Service mode on API servers that do not serve EndpointSlices: the service's v1 Endpoints object, every subset,
 * its ready {@code addresses} (never {@code notReadyAddresses}).
 */
final class CoreEndpoints implements ObjectKind {

    private final String namespace;
    private final String service;
    private final ServiceBackends backends;

    CoreEndpoints(String namespace, String service, ServiceBackends backends) {
        this.namespace = namespace;
        this.service = service;
        this.backends = backends;
    }

    @Override
    public String resource() {
        return "endpoints";
    }

    @Override
    public String group() {
        return "";
    }

    @Override
    public String describe() {
        return "the Endpoints of service '" + service + "' in namespace '" + namespace + "'";
    }

    @Override
    public Call call(ApiClient client, String resourceVersion, Integer watchSeconds) throws ApiException {
        // A list by name rather than a get, so that the same request can also be watched.
        var request = new CoreV1Api(client).listNamespacedEndpoints(namespace)
                .fieldSelector("metadata.name=" + service);
        if (watchSeconds != null) {
            request.watch(true).allowWatchBookmarks(true).resourceVersion(resourceVersion).timeoutSeconds(watchSeconds);
        }
        return request.buildCall(null);
    }

    @Override
    public Found read(JsonNode object) {
        String what = "Endpoints " + object.path("metadata").path("name").asText("?");
        Endpoints endpoints;
        try {
            endpoints = ApiServer.MAPPER.treeToValue(object, Endpoints.class);
        } catch (Exception e) {
            return Found.problem(what + ": unreadable: " + PeerText.oneLine(String.valueOf(e.getMessage()), 300));
        }
        List<Found> parts = new ArrayList<>();
        List<Subset> subsets = endpoints.subsets() == null ? List.of() : endpoints.subsets();
        for (int i = 0; i < subsets.size(); i++) {
            Subset subset = subsets.get(i);
            List<ServiceBackends.Ready> ready = new ArrayList<>();
            for (Address address : subset.addresses() == null ? List.<Address>of() : subset.addresses()) {
                if (address.ip() != null && !address.ip().isEmpty()) {
                    // v1 Endpoints hold one address family only: no replica is listed twice.
                    ready.add(new ServiceBackends.Ready(address.ip(), null));
                }
            }
            parts.add(backends.read(what + " subset " + (i + 1), ready, subset.ports(), false));
        }
        return ServiceBackends.merge(parts);
    }
}
