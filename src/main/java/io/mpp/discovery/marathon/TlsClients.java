package io.mpp.discovery.marathon;

import io.mpp.util.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty HTTP clients for Marathon and DC/OS: connect timeout, and TLS trusting a given CA file or anything. */
public final class TlsClients {

    private TlsClients() {
    }

    /**
     * @param insecure trust any certificate and host name ({@code MPP_INSECURE_CERTS})
     * @param caFile   PEM file of the CA certificate(s) to trust instead of the JVM's; null for the JVM's
     * @throws IllegalArgumentException when the CA file cannot be read, naming the file and the setting
     */
    public static HttpClient create(String name, boolean insecure, Path caFile, Duration connectTimeout) {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ClientTls.trusting(insecure, caFile, "MPP_MARATHON_CA_FILE (caFile)"));
        connector.setConnectTimeout(connectTimeout);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector)) {
            @Override
            protected void doStart() throws Exception {
                super.doStart();
                // mpp answers 401s itself (it logs in again); Jetty's handler, added at start, would turn a 401
                // without a challenge it knows into a failure.
                getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
            }
        };
        client.setName(name);
        // A few calls at a time (selection, login, the event stream): Jetty's default pool of 200 is far too big.
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName(name);
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(connectTimeout.toMillis());
        return client;
    }
}
