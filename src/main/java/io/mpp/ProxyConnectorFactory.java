package io.mpp;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.mpp.proxy.http1.ProxyConnector;
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
 */
@JsonTypeName("mpp-http")
public class ProxyConnectorFactory extends HttpConnectorFactory {

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
