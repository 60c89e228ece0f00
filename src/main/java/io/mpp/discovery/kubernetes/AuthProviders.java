package io.mpp.discovery.kubernetes;

import java.util.Map;

/**
 * Refuses at start the kubeconfig {@code auth-provider} entries the client would handle beyond mpp's bounds. The
 * client's gcp provider renews an expired token by running the entry's {@code cmd-path} with a fixed 10 s wait,
 * after which it leaves the command running, or else through Google's credential library, which mpp does not ship
 * (an Error at the first renewal; an entry without {@code expiry} fails at once). kubectl itself dropped the gcp
 * provider in 1.26 for the {@code gke-gcloud-auth-plugin} exec plugin, which mpp runs with its bound.
 */
final class AuthProviders {

    private AuthProviders() {
    }

    /**
     * @param user the kubeconfig's current user entry; null when there is none
     * @throws IllegalArgumentException saying what mpp cannot run, for a message that already names the file
     */
    static void check(Map<?, ?> user) {
        if (user == null || !(user.get("auth-provider") instanceof Map<?, ?> provider)) {
            return;
        }
        Map<?, ?> config = provider.get("config") instanceof Map<?, ?> c ? c : Map.of();
        boolean gcp = "gcp".equals(provider.get("name"));
        String instead = gcp ? "use the exec plugin gke-gcloud-auth-plugin instead (kubectl dropped the gcp"
                + " auth-provider in 1.26)" : "use an exec plugin instead";
        if (config.containsKey("cmd-path")) {
            throw new IllegalArgumentException("its user's auth-provider runs a command (cmd-path) for its token,"
                    + " which mpp cannot bound by MPP_KUBE_TIMEOUT: " + instead);
        }
        if (gcp) {
            throw new IllegalArgumentException("its user's gcp auth-provider cannot renew its token in mpp, which"
                    + " does not include Google's credential library: " + instead);
        }
    }
}
