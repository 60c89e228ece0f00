package io.mpp.proxy.http1;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A client's connection, whose close is noticed while its request is being answered.
 *
 * <p>Jetty's HTTP/1.1 connection does not read while a request is handled, so a client that goes away (Grafana
 * cancelling a query it no longer shows) is noticed only when the answer is written: until then the exchange, its
 * backend connection and the client's socket stay taken, up to the exchange timeout. nginx closes the upstream
 * connection of a client that left; so does mpp: this endpoint tells Jetty, as HTTP/2 does with a reset stream (a
 * remote failure of the request), and the exchange then closes its backend connection.
 *
 * <p>Java cannot peek at a socket, so telling a close from a pipelined request takes a read: bytes read that way
 * are kept and handed to the connection's next fill. That read happens only when the selector reports the channel
 * readable while nobody reads it, never on the way of an ordinary request; {@link #reading} keeps it and the
 * connection's own reads from running at once.
 */
final class ClientEndPoint extends ProxyConnector.KeptReadEndPoint {

    /** Enough for a pipelined request's head to be kept whole, usually; the rest waits in the socket. */
    private static final int LOOK_BYTES = 4096;

    private final Executor executor;
    private final AtomicBoolean reading = new AtomicBoolean();
    private SelectionKey key;
    /** Bytes that a look at the channel read: the start of a pipelined request. Set and cleared under reading. */
    private volatile ByteBuffer early;

    ClientEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                   Executor executor) {
        super(channel, selector, key, scheduler);
        this.key = key;
        this.executor = executor;
    }

    @Override
    public void replaceKey(SelectionKey newKey) {
        super.replaceKey(newKey);
        key = newKey;
    }

    @Override
    public Runnable onSelected() {
        boolean unread = !getFillInterest().isInterested() && (key.readyOps() & SelectionKey.OP_READ) != 0;
        Runnable task = super.onSelected();
        if (!unread) {
            return task;
        }
        Runnable departed = look();
        return departed == null ? task : task == null ? departed : Invocable.combine(task, departed);
    }

    /** Reads what woke the selector: the task that fails the request when the client has gone, or null. */
    private Runnable look() {
        if (early != null || !reading.compareAndSet(false, true)) {
            return null; // a pipelined request is waiting already, or the connection is reading right now
        }
        ByteBuffer buffer = BufferUtil.allocate(LOOK_BYTES);
        int filled;
        try {
            filled = super.fill(buffer); // -1 also for a reset connection
            if (filled > 0) {
                early = buffer; // before the next fill may read the channel: these bytes come first
            }
        } catch (IOException e) {
            filled = -1; // declared, though Jetty's endpoint turns a failed read into -1 itself
        } finally {
            reading.set(false);
        }
        if (filled > 0) {
            if (getFillInterest().isInterested()) {
                // The connection's fill found the channel taken by this look and asked to be told of bytes before
                // they were kept here, out of the socket, where the selector would have seen them.
                executor.execute(getFillInterest()::fillable);
            }
            return null;
        }
        if (filled == 0) {
            needsFillInterest(); // nothing after all: keep watching
            return null;
        }
        return getConnection() instanceof HttpConnection http
                ? http.getHttpChannel().onRemoteFailure(new EofException("the client closed its connection"))
                : null;
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        if (!reading.compareAndSet(false, true)) {
            return 0; // a look is reading; what it reads comes when the connection asks again (needsFillInterest)
        }
        try {
            ByteBuffer looked = early;
            if (looked == null) {
                return super.fill(buffer);
            }
            int moved = BufferUtil.append(buffer, looked);
            if (!looked.hasRemaining()) {
                early = null;
            }
            return moved;
        } finally {
            reading.set(false);
        }
    }

    @Override
    protected void needsFillInterest() {
        super.needsFillInterest();
        if (early != null) {
            // The kept bytes are no longer in the socket, so the selector will not report them.
            executor.execute(getFillInterest()::fillable);
        }
    }
}
