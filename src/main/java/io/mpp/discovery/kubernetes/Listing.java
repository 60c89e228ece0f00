package io.mpp.discovery.kubernetes;

import io.mpp.discovery.Endpoint;
import io.mpp.discovery.kubernetes.ObjectKind.Found;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The objects of one list (or of a list kept up to date by a watch), by name, and the resource version to watch
 * from.
 */
record Listing(String resourceVersion, Map<String, Found> objects) {

    Listing {
        objects = Map.copyOf(objects);
    }

    /**
     * Every object's backends, in the order of the objects' names, each URL once and each replica once: a replica
     * with addresses of both families (a dual-stack service) is served at its IPv4 address.
     */
    List<Endpoint> endpoints() {
        Map<String, Endpoint> byReplica = new LinkedHashMap<>();
        for (Found found : new TreeMap<>(objects).values()) {
            for (Endpoint endpoint : found.endpoints()) {
                String replica = found.replicas().getOrDefault(endpoint.url(), endpoint.url());
                byReplica.merge(replica, endpoint, (kept, other) -> isIpv6(kept) && !isIpv6(other) ? other : kept);
            }
        }
        return byReplica.values().stream().distinct().toList();
    }

    private static boolean isIpv6(Endpoint endpoint) {
        return endpoint.url().contains("://[");
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        new TreeMap<>(objects).values().forEach(found -> problems.addAll(found.problems()));
        return problems;
    }

    /** This listing with one object changed (null: deleted), at a newer resource version. */
    Listing with(String name, Found found, String newVersion) {
        Map<String, Found> next = new LinkedHashMap<>(objects);
        if (found == null) {
            next.remove(name);
        } else {
            next.put(name, found);
        }
        return new Listing(newVersion, next);
    }
}
