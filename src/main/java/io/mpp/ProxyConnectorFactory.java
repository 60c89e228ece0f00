package io.mpp;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.mpp.proxy.http1.ProxyConnector;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * {@code type: mpp-http}: Dropwizard's http connector, with every setting of {@code type: http}, whose selectors also
 * carry the proxy's connections to plain-http backends ({@link ProxyConnector}). With {@code type: http} the proxy
 * opens those connections on a selector of its own instead.
 *
 * <p>Its {@code uriCompliance} defaults to {@code UNSAFE} instead of Jetty's {@code DEFAULT}: the proxy passes a
 * request's target on as the client sent it and never decodes its path, so {@code //api/v1/query} or an encoded
 * {@code %2F} are the backend's to judge, as they are behind nginx (Prometheus redirects the first). mpp's own paths
 * ({@code /mpp/*}) still go through the servlet layer's checks of ambiguous paths.
 */
@JsonTypeName("mpp-http")
public class ProxyConnectorFactory extends HttpConnectorFactory {

    public ProxyConnectorFactory() {
        setUriCompliance(UriCompliance.UNSAFE);
    }

    /** Dropwizard's connector, as {@code type: http} configures it, rebuilt as a {@link ProxyConnector}. */
    @Override
    protected ServerConnector buildConnector(Server server, Scheduler scheduler, ByteBufferPool bufferPool,
                                             String name, ThreadPool threadPool, ConnectionFactory... factories) {
        ServerConnector plain = super.buildConnector(server, scheduler, bufferPool, name, threadPool, factories);
        ServerConnector connector = new ProxyConnector(server, threadPool, scheduler, bufferPool, plain.getAcceptors(),
                plain.getSelectorManager().getSelectorCount(),
                plain.getConnectionFactories().toArray(ConnectionFactory[]::new));
        connector.setPort(plain.getPort());
        connector.setHost(plain.getHost());
        connector.setInheritChannel(plain.isInheritChannel());
        connector.setAcceptQueueSize(plain.getAcceptQueueSize());
        connector.setReuseAddress(plain.getReuseAddress());
        connector.setIdleTimeout(plain.getIdleTimeout());
        connector.setName(plain.getName());
        return connector;
    }
}
