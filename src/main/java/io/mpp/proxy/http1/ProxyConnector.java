package io.mpp.proxy.http1;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A server connector whose selectors also carry {@link Http1Client}'s connections to the backends.
 *
 * <p>With a selector of its own, the client reads each answer on one thread and the server's selector waits for the
 * client's next request on another: every answer ends with a wake-up of the server's selector from the client's
 * thread. Sharing the selectors saves that, and the CPU of a second selector loop: 6-25 us of CPU per small query
 * on 2 cores (docs/benchmarks.md). Backend connections are not server connections: they are left out of the
 * connector's connection count, and their idle timeout is the client's. Client connections notice a client that
 * leaves while its request is at the backend ({@link ClientEndPoint}).
 */
public final class ProxyConnector extends ServerConnector implements Dialer {

    public ProxyConnector(Server server, Executor executor, Scheduler scheduler, ByteBufferPool bufferPool,
                          int acceptors, int selectors, ConnectionFactory... factories) {
        super(server, executor, scheduler, bufferPool, acceptors, selectors, factories);
    }

    @Override
    protected SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
        return new Manager(executor, scheduler, selectors);
    }

    /** The server's first connector of this kind, or null when it has none (all {@code type: http}). */
    public static ProxyConnector of(Server server) {
        return Arrays.stream(server.getConnectors())
                .filter(ProxyConnector.class::isInstance).map(ProxyConnector.class::cast)
                .findFirst().orElse(null);
    }

    void setConnectTimeout(long millis) {
        getSelectorManager().setConnectTimeout(millis);
    }

    @Override
    public void connect(SocketAddress address, Map<String, Object> context) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            if (channel.connect(address)) {
                getSelectorManager().accept(channel, context);
            } else {
                getSelectorManager().connect(channel, context);
            }
        } catch (Throwable failure) {
            IO.close(channel);
            promise(context).failed(failure);
        }
    }

    @SuppressWarnings("unchecked")
    private static Promise<Connection> promise(Map<String, Object> context) {
        return (Promise<Connection>) context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
    }

    /** The context of a backend connection being opened, or null for a client's connection. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> outbound(Object attachment) {
        return attachment instanceof Map<?, ?> context ? (Map<String, Object>) context : null;
    }

    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new ClientEndPoint(channel, selector, key, getScheduler(), getExecutor());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /**
     * An endpoint that stays registered for reading while its connection reads again soon.
     *
     * <p>Jetty's endpoint takes the read interest off the selection key whenever the channel is readable, and puts it
     * back when the connection asks to read again: an {@code epoll_ctl} call for each change when the two fall in
     * different rounds of the selector, as they do for a client's connection while its request is at the backend
     * (1.75 calls per small query; none with this endpoint, docs/benchmarks.md). This endpoint keeps the interest on
     * when the connection was waiting for the bytes that woke it, and drops it only when bytes come with nobody
     * waiting for them (a pipelined request, the peer's close, an answer whose reading paused): then the selector is
     * woken once, as with Jetty's. Only for a connection whose reading does not block, as then it reads on the
     * selector's thread before the selector looks at the channel again; read on another thread, the channel could
     * wake the selector until that thread has read it.
     */
    static class KeptReadEndPoint extends SocketChannelEndPoint {
        KeptReadEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
        }

        @Override
        public Runnable onSelected() {
            boolean waiting = getFillInterest().isInterested()
                    && getFillInterest().getCallbackInvocationType() == Invocable.InvocationType.NON_BLOCKING;
            Runnable task = super.onSelected();
            if (waiting) {
                // Before the selector applies the key's new interest: it then finds nothing changed.
                needsFillInterest();
            }
            return task;
        }
    }

    private static final class BackendEndPoint extends KeptReadEndPoint {
        BackendEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
        }
    }

    /** The server's selector manager, with the part of Jetty's client selector manager that opens connections. */
    private final class Manager extends ServerConnectorManager {

        Manager(Executor executor, Scheduler scheduler, int selectors) {
            super(executor, scheduler, selectors);
        }

        @Override
        protected SocketChannelEndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector,
                                                    SelectionKey key) throws IOException {
            if (outbound(key.attachment()) == null) {
                return super.newEndPoint(channel, selector, key);
            }
            return new BackendEndPoint((SocketChannel) channel, selector, key, getScheduler());
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
                throws IOException {
            Map<String, Object> context = outbound(attachment);
            if (context == null) {
                return super.newConnection(channel, endPoint, attachment);
            }
            return ((ClientConnectionFactory) context.get(ClientConnectionFactory.CONTEXT_KEY))
                    .newConnection(endPoint, context);
        }

        @Override
        public void connectionOpened(Connection connection, Object attachment) {
            Map<String, Object> context = outbound(attachment);
            if (context == null) {
                super.connectionOpened(connection, attachment);
                return;
            }
            try {
                super.connectionOpened(connection, attachment);
                promise(context).succeeded(connection);
            } catch (Throwable failure) {
                promise(context).failed(failure);
            }
        }

        @Override
        protected void connectionFailed(SelectableChannel channel, Throwable failure, Object attachment) {
            super.connectionFailed(channel, failure, attachment);
            Map<String, Object> context = outbound(attachment);
            if (context != null) {
                promise(context).failed(failure);
            }
        }

        @Override
        protected void endPointOpened(EndPoint endPoint) {
            if (!(endPoint instanceof BackendEndPoint)) {
                super.endPointOpened(endPoint);
            }
        }

        @Override
        protected void endPointClosed(EndPoint endPoint) {
            if (!(endPoint instanceof BackendEndPoint)) {
                super.endPointClosed(endPoint);
            }
        }
    }
}
