package io.mpp.proxy.http1;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;

/**
 * The connections to one backend: at most {@code max} open, idle ones reused last-in first-out (the warm one first,
 * so a quiet period lets the others time out), and calls queued when all are busy.
 */
final class Http1Pool {

    private final Dialer dialer;
    private final Executor executor;
    private final long idleTimeoutMillis;
    private final int maxHeadBytes;
    private final String host;
    private final int port;
    /** The address when the host is an IP literal; null for a name, which is looked up for each new connection. */
    private final InetSocketAddress literal;
    private final String pathPrefix;
    private final int max;
    /** Told when the last connection closed with no call waiting, so the pools of gone backends do not pile up. */
    private final Consumer<Http1Pool> onEmpty;
    private final ConcurrentLinkedDeque<Http1Connection> idle = new ConcurrentLinkedDeque<>();
    private final Queue<Http1Call> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final ClientConnectionFactory factory;

    Http1Pool(Dialer dialer, Executor executor, Http1Client.Limits limits, String host, int port, String pathPrefix,
              int max, Consumer<Http1Pool> onEmpty) {
        this.dialer = dialer;
        this.executor = executor;
        this.idleTimeoutMillis = limits.idleTimeout().toMillis();
        this.maxHeadBytes = limits.maxHeadBytes();
        this.host = host;
        this.port = port;
        this.pathPrefix = pathPrefix;
        this.max = max;
        this.onEmpty = onEmpty;
        this.literal = isIpLiteral(host) ? new InetSocketAddress(host, port) : null;
        this.factory = (endPoint, context) -> new Http1Connection(endPoint, executor, this);
    }

    void send(Http1Call call) {
        Http1Connection connection = pollIdle();
        if (connection != null) {
            connection.send(call);
            return;
        }
        if (open.incrementAndGet() <= max) {
            connect(call);
            return;
        }
        open.decrementAndGet();
        waiting.offer(call);
        // A connection may have come back, or closed and left a place, between the looks above and the queueing.
        connection = pollIdle();
        if (connection != null) {
            release(connection);
        } else {
            connectForWaiting();
        }
    }

    /** Sends a call on a new connection (or the next free one when the pool is full). */
    void sendFresh(Http1Call call) {
        call.unbind();
        if (open.incrementAndGet() <= max) {
            connect(call);
            return;
        }
        open.decrementAndGet();
        send(call);
    }

    /** A connection is free (and interested in reading): the next waiting call gets it, or it waits for one. */
    void release(Http1Connection connection) {
        Http1Call next = waiting.poll();
        if (next != null) {
            connection.send(next);
            return;
        }
        idle.offerFirst(connection);
        if (!waiting.isEmpty()) {
            // A call queued itself between the poll and the offer.
            Http1Connection again = pollIdle();
            if (again != null) {
                release(again);
            }
        }
    }

    /** The newest idle connection that is still open; a closed one leaves the pool when its close is done. */
    private Http1Connection pollIdle() {
        Http1Connection connection;
        do {
            connection = idle.pollFirst();
        } while (connection != null && !connection.getEndPoint().isOpen());
        return connection;
    }

    void closed(Http1Connection connection) {
        idle.remove(connection);
        if (open.decrementAndGet() == 0 && waiting.isEmpty()) {
            onEmpty.accept(this);
        }
        connectForWaiting();
    }

    /** A backend connection's idle timeout: silence on it, idle or within an answer. */
    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** The most bytes an answer's head may have; a longer one is a bad answer. */
    int maxHeadBytes() {
        return maxHeadBytes;
    }

    String pathPrefix() {
        return pathPrefix;
    }

    /** An aborted call leaves the queue. */
    void withdraw(Http1Call call) {
        waiting.remove(call);
    }

    int idle() {
        return idle.size();
    }

    private void connectForWaiting() {
        if (waiting.isEmpty()) {
            return;
        }
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return;
        }
        Http1Call next = waiting.poll();
        if (next == null) {
            open.decrementAndGet();
            return;
        }
        connect(next);
    }

    private void connect(Http1Call call) {
        if (literal != null) {
            connect(literal, call);
            return;
        }
        // A name lookup may block: not on the thread that has the request.
        executor.execute(() -> {
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                connectFailed(call, new UnknownHostException(host));
            } else {
                connect(address, call);
            }
        });
    }

    private void connect(InetSocketAddress address, Http1Call call) {
        Map<String, Object> context = new HashMap<>(8);
        context.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
        context.put(ClientConnectionFactory.CONTEXT_KEY, factory);
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>() {
            @Override
            public void succeeded(Connection connection) {
                ((Http1Connection) connection).send(call);
            }

            @Override
            public void failed(Throwable failure) {
                connectFailed(call, failure);
            }
        });
        dialer.connect(address, context);
    }

    private void connectFailed(Http1Call call, Throwable failure) {
        open.decrementAndGet();
        call.fail(failure);
        connectForWaiting();
    }

    /** IPv4 dotted digits or a bracketed IPv6 address: no name lookup needed. */
    static boolean isIpLiteral(String host) {
        if (host.startsWith("[")) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return !host.isEmpty();
    }
}
