package io.mpp.proxy.http1;

import java.net.SocketAddress;
import java.util.Map;

/**
 * Opens a connection to a backend the way Jetty's {@code ClientConnector} does: the context carries the
 * {@code ClientConnectionFactory} that makes the connection and the promise told when it is open or has failed.
 */
@FunctionalInterface
interface Dialer {
    void connect(SocketAddress address, Map<String, Object> context);
}
