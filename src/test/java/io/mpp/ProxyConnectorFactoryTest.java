package io.mpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.util.Duration;
import io.mpp.proxy.http1.ProxyConnector;
import io.mpp.testing.ConfigFiles;
import java.util.Map;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/** {@code type: mpp-http}: what {@code type: http} builds, as a connector that carries the backend connections too. */
class ProxyConnectorFactoryTest {

    private final Server server = new Server(new QueuedThreadPool());

    @Test
    void configYmlsApplicationConnectorCarriesTheBackendConnections() throws Exception {
        MppConfiguration config = ConfigFiles.load(Map.of("MPP_PORT", "19090", "MPP_BIND_HOST", "127.0.0.1"));
        ConnectorFactory application =
                ((DefaultServerFactory) config.getServerFactory()).getApplicationConnectors().get(0);
        assertThat(application).isInstanceOf(ProxyConnectorFactory.class);

        ServerConnector built = build(application);
        assertThat(built).isInstanceOf(ProxyConnector.class);
        assertThat(built.getPort()).isEqualTo(19090);
        assertThat(built.getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void passesOnTargetsJettyWouldFindAmbiguousUnlessToldOtherwise() throws Exception {
        MppConfiguration config = ConfigFiles.load(Map.of());
        DefaultServerFactory servers = (DefaultServerFactory) config.getServerFactory();
        assertThat(uriCompliance(build(servers.getApplicationConnectors().get(0)))).isEqualTo(UriCompliance.UNSAFE);
        assertThat(uriCompliance(build(servers.getAdminConnectors().get(0)))).isEqualTo(UriCompliance.DEFAULT);

        ProxyConnectorFactory strict = new ProxyConnectorFactory();
        strict.setUriCompliance(UriCompliance.DEFAULT);
        assertThat(uriCompliance(build(strict))).isEqualTo(UriCompliance.DEFAULT);
    }

    private static UriCompliance uriCompliance(ServerConnector connector) {
        // Dropwizard wraps the connection factories: the one that parses HTTP is a bean inside.
        return connector.getContainedBeans(HttpConnectionFactory.class).iterator().next().getHttpConfiguration()
                .getUriCompliance();
    }

    @Test
    void takesEverySettingOfAnHttpConnector() {
        HttpConnectorFactory http = new HttpConnectorFactory();
        ProxyConnectorFactory mpp = new ProxyConnectorFactory();
        for (HttpConnectorFactory factory : new HttpConnectorFactory[] {http, mpp}) {
            factory.setPort(19091);
            factory.setBindHost("127.0.0.2");
            factory.setIdleTimeout(Duration.seconds(7));
            factory.setAcceptQueueSize(77);
            factory.setReuseAddress(false);
            factory.setSelectorThreads(java.util.Optional.of(3));
            factory.setUseProxyProtocol(true);
        }
        ServerConnector plain = build(http);
        ServerConnector shared = build(mpp);

        assertThat(shared).isInstanceOf(ProxyConnector.class);
        assertThat(shared.getPort()).isEqualTo(plain.getPort());
        assertThat(shared.getHost()).isEqualTo(plain.getHost());
        assertThat(shared.getIdleTimeout()).isEqualTo(plain.getIdleTimeout()).isEqualTo(7000);
        assertThat(shared.getAcceptQueueSize()).isEqualTo(plain.getAcceptQueueSize()).isEqualTo(77);
        assertThat(shared.getReuseAddress()).isEqualTo(plain.getReuseAddress()).isFalse();
        assertThat(shared.getAcceptors()).isEqualTo(plain.getAcceptors());
        assertThat(shared.getSelectorManager().getSelectorCount()).isEqualTo(3);
        assertThat(shared.getName()).isEqualTo(plain.getName());
        assertThat(shared.getProtocols()).isEqualTo(plain.getProtocols()).contains("[proxy]");
    }

    private ServerConnector build(ConnectorFactory factory) {
        return (ServerConnector) factory.build(server, new MetricRegistry(), "application", null);
    }
}
