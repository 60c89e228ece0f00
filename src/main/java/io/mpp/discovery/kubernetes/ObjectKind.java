package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.mpp.discovery.Endpoint;
import java.util.List;
import java.util.Map;
import okhttp3.Call;

/** One kind of object in the namespace that yields backends: how to list and watch it, what one object yields. */
interface ObjectKind {

    /** The API resource, for RBAC messages: {@code pods}, {@code endpointslices}, {@code endpoints}. */
    String resource();

    /** The API group, for RBAC messages: empty for the core group. */
    String group();

    /** For messages: which objects, e.g. {@code pods matching 'app=prometheus' in namespace 'monitoring'}. */
    String describe();

    /**
     * The list call, or with {@code watchSeconds} the watch call from {@code resourceVersion} that the API server
     * ends after that many seconds.
     */
    Call call(ApiClient client, String resourceVersion, Integer watchSeconds) throws ApiException;

    /** The backends one object yields, and what in it cannot be used. */
    Found read(JsonNode object);

    /**
     * What one object yields.
     *
     * @param replicas for the endpoints whose replica is known, that replica (a pod's uid) by endpoint URL: a
     *                 replica can be the endpoint of several objects under addresses of several families
     */
    record Found(List<Endpoint> endpoints, List<String> problems, Map<String, String> replicas) {

        public Found {
            endpoints = List.copyOf(endpoints);
            problems = List.copyOf(problems);
            replicas = Map.copyOf(replicas);
        }

        static Found of(List<Endpoint> endpoints, List<String> problems) {
            return new Found(endpoints, problems, Map.of());
        }

        static Found problem(String problem) {
            return of(List.of(), List.of(problem));
        }
    }
}
