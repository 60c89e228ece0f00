package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The few fields mpp reads from the API server's objects. The client's generated models reject any field they do
 * not know (a newer API server would break discovery), so answers are read into these records instead, and every
 * other field is ignored.
 */
final class ApiObjects {

    private ApiObjects() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Metadata(String name, String deletionTimestamp) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Status(String message, String reason, Integer code) {
    }

    /** A port of an EndpointSlice or an Endpoints subset (discovery/v1 EndpointPort and core/v1 EndpointPort). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ServicePort(String name, Integer port, String protocol) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record EndpointSlice(Metadata metadata, String addressType, List<SliceEndpoint> endpoints,
                         List<ServicePort> ports) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SliceEndpoint(List<String> addresses, Conditions conditions, TargetRef targetRef) {
    }

    /** The object an endpoint stands for: a pod, for the endpoints of a service with a selector. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TargetRef(String kind, String namespace, String name, String uid) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Conditions(Boolean ready) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Endpoints(Metadata metadata, List<Subset> subsets) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Subset(List<Address> addresses, List<ServicePort> ports) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Address(String ip) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Pod(Metadata metadata, PodSpec spec, PodStatus status) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PodSpec(List<Container> containers) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Container(String name, List<ContainerPort> ports) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ContainerPort(String name, Integer containerPort, String protocol) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PodStatus(String phase, String podIP, List<PodCondition> conditions) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PodCondition(String type, String status) {
    }
}
