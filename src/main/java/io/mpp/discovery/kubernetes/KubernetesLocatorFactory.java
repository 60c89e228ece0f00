package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.core.setup.Environment;
import io.kubernetes.client.openapi.ApiClient;
import io.mpp.discovery.Locator;
import io.mpp.discovery.LocatorFactory;
import io.mpp.util.GoDuration;
import io.mpp.util.GoDurationDeserializer;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * {@code type: kubernetes}: backends from a service's endpoints ({@code MPP_KUBE_SERVICE_NAME}) or from pods by
 * label selector ({@code MPP_KUBE_POD_LABEL_SELECTOR}); on when either is set, the service winning. See
 * docs/kubernetes.md.
 */
@JsonTypeName("kubernetes")
public class KubernetesLocatorFactory implements LocatorFactory {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    public static final String SERVICE_NAME_RULE = "(up to 63 lowercase letters, digits and '-', starting with a"
            + " letter and ending with a letter or digit)";

    private String kubeconfig = "";
    private String namespace = "default";
    private String serviceName = "";
    private String podLabelSelector = "";
    private PortSpec port = PortSpec.FIRST_TCP;
    private String portText = "";
    private String scheme = "http";
    private boolean watch = true;

    @JsonDeserialize(using = GoDurationDeserializer.class)
    private Duration timeout = Duration.ofSeconds(5);

    @JsonDeserialize(using = GoDurationDeserializer.class)
    private Duration watchTimeout = Duration.ofMinutes(1);

    @JsonProperty
    public String getKubeconfig() {
        return kubeconfig;
    }

    @JsonProperty
    public void setKubeconfig(String kubeconfig) {
        this.kubeconfig = strip(kubeconfig);
    }

    @JsonProperty
    public String getNamespace() {
        return namespace;
    }

    @JsonProperty
    public void setNamespace(String namespace) {
        String s = strip(namespace);
        if (s.isEmpty()) {
            s = "default";
        }
        if (!DNS_LABEL.matcher(s).matches()) {
            throw new IllegalArgumentException("namespace '" + s + "' (MPP_KUBE_NAMESPACE) is not a Kubernetes"
                    + " namespace name (lowercase letters, digits and dashes, at most 63)");
        }
        this.namespace = s;
    }

    @JsonProperty
    public String getServiceName() {
        return serviceName;
    }

    @JsonProperty
    public void setServiceName(String serviceName) {
        String s = strip(serviceName);
        if (!s.isEmpty() && !isServiceName(s)) {
            throw new IllegalArgumentException("serviceName '" + s + "' (MPP_KUBE_SERVICE_NAME) is not a Kubernetes"
                    + " service name " + SERVICE_NAME_RULE);
        }
        this.serviceName = s;
    }

    /** What Kubernetes takes as a Service's name (a DNS-1035 label), for the flag's check too. */
    public static boolean isServiceName(String name) {
        return SERVICE_NAME.matcher(name).matches();
    }

    @JsonProperty
    public String getPodLabelSelector() {
        return podLabelSelector;
    }

    /** Kept as written: the API server parses it, so mpp never guesses a different meaning. */
    @JsonProperty
    public void setPodLabelSelector(String podLabelSelector) {
        this.podLabelSelector = strip(podLabelSelector);
    }

    @JsonProperty("port")
    public String getPort() {
        return portText;
    }

    @JsonProperty("port")
    public void setPort(String port) {
        try {
            this.port = PortSpec.parse(port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (MPP_KUBE_PORT)");
        }
        this.portText = strip(port);
    }

    @JsonProperty
    public String getScheme() {
        return scheme;
    }

    @JsonProperty
    public void setScheme(String scheme) {
        String s = strip(scheme).toLowerCase(Locale.ROOT);
        if (!s.equals("http") && !s.equals("https")) {
            throw new IllegalArgumentException("scheme '" + scheme + "' (MPP_KUBE_SCHEME) must be http or https");
        }
        this.scheme = s;
    }

    @JsonProperty
    public Duration getTimeout() {
        return timeout;
    }

    @JsonProperty
    public void setTimeout(Duration timeout) {
        this.timeout = GoDuration.atLeast("timeout (MPP_KUBE_TIMEOUT)", timeout, Duration.ofMillis(100));
    }

    @JsonProperty
    public boolean isWatch() {
        return watch;
    }

    @JsonProperty
    public void setWatch(boolean watch) {
        this.watch = watch;
    }

    @JsonProperty
    public Duration getWatchTimeout() {
        return watchTimeout;
    }

    @JsonProperty
    public void setWatchTimeout(Duration watchTimeout) {
        this.watchTimeout = GoDuration.atLeast("watchTimeout (MPP_KUBE_WATCH_TIMEOUT)", watchTimeout,
                Duration.ofSeconds(1));
    }

    @Override
    public boolean isEnabled() {
        return !serviceName.isEmpty() || !podLabelSelector.isEmpty();
    }

    @Override
    public Locator build(Environment environment, Runnable reselect) {
        Parts parts = parts(reselect);
        if (parts.watch() != null) {
            environment.lifecycle().manage(parts.watch());
        }
        return parts.locator();
    }

    /** The locator, and its watch (null when watching is off). */
    record Parts(KubernetesLocator locator, ReadinessWatch watch) {
    }

    Parts parts(Runnable reselect) {
        // The port was read before the mode was known; a setting's mistake comes before any kubeconfig's.
        PortSpec containerPort = serviceName.isEmpty() ? containerPort() : null;
        KubeClients clients = new KubeClients(kubeconfig, System.getenv(), timeout);
        ApiClient calls = clients.build(timeout, timeout, timeout);
        // A watch waits up to watchTimeout for the server to end it; a little more covers the way there and back.
        ApiClient watches = clients.build(timeout, watchTimeout.plus(timeout),
                watchTimeout.plus(timeout.multipliedBy(2)));
        ApiServer api = new ApiServer(calls, watches, namespace, timeout, clients.credentials());

        String name;
        ObjectSource source;
        if (!serviceName.isEmpty()) {
            if (!podLabelSelector.isEmpty()) {
                LoggerFactory.getLogger(KubernetesLocatorFactory.class).warn("MPP_KUBE_SERVICE_NAME '{}' is set, so"
                        + " MPP_KUBE_POD_LABEL_SELECTOR '{}' is ignored", serviceName, podLabelSelector);
            }
            name = "kubernetes:service/" + namespace + "/" + serviceName;
            ServiceBackends backends = new ServiceBackends(port, scheme, name);
            source = new ServiceSource(api, serviceName, new EndpointSlices(namespace, serviceName, backends),
                    new CoreEndpoints(namespace, serviceName, backends));
        } else {
            name = "kubernetes:pods/" + namespace + "/" + podLabelSelector;
            source = ObjectSource.of(api, new Pods(namespace, podLabelSelector, containerPort, scheme, name));
        }
        return new Parts(new KubernetesLocator(name, source),
                watch ? new ReadinessWatch(api, source, reselect, watchTimeout, name) : null);
    }

    private PortSpec containerPort() {
        try {
            return port.forContainers();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (MPP_KUBE_PORT)");
        }
    }

    private static String strip(String s) {
        return s == null ? "" : s.strip();
    }
}
