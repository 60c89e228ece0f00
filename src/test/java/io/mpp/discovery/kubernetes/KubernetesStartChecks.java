package io.mpp.discovery.kubernetes;

/**
 * The check {@link KubernetesLocatorFactory} makes on MPP_KUBE_PORT once it knows it is in pod mode, open to tests of
 * other packages: the deploy tests judge a rendered app by what mpp refuses at start, and {@link PortSpec} is
 * package-private.
 */
public final class KubernetesStartChecks {

    private KubernetesStartChecks() {
    }

    /** @throws IllegalArgumentException as mpp does at start in pod mode (a name too long for a container port) */
    public static void podModePort(String text) {
        PortSpec.parse(text).forContainers();
    }
}
