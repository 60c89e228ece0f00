package io.mpp.proxy.http1;

import io.mpp.proxy.AnswerListener;
import io.mpp.proxy.BackendCall;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request on its way to a backend over {@link Http1Client}: waiting for a connection, then on one. It ends once,
 * by the connection (answer whole or failed) or by {@link #abort}, whichever comes first.
 */
final class Http1Call implements BackendCall {

    private final Http1Pool pool;
    private final ByteBuffer head;
    private final ByteBuffer body;
    private final boolean headRequest;
    private final AnswerListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Http1Connection connection;
    /** 0: not on the wire; 1: being written; 2: written whole, on this or an earlier connection (it stays). */
    private volatile int wire;

    Http1Call(Http1Pool pool, ByteBuffer head, ByteBuffer body, boolean headRequest, AnswerListener listener) {
        this.pool = pool;
        this.head = head;
        this.body = body;
        this.headRequest = headRequest;
        this.listener = listener;
    }

    @Override
    public void start() {
        pool.send(this);
    }

    @Override
    public void abort(Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        Http1Connection on = connection;
        if (on != null) {
            // Whatever the backend still sends for this request must not reach the next one.
            on.close();
        } else {
            pool.withdraw(this);
        }
        listener.onComplete(cause);
    }

    /**
     * Puts the call on a connection; false when it ended meanwhile. Written before {@link #ended} is read, as
     * {@link #abort} sets it before reading the connection: one of the two sees the other.
     */
    boolean bind(Http1Connection on) {
        connection = on;
        return !ended.get();
    }

    /**
     * From the moment its writing starts, as the backend may answer or fail it before the write's completion is
     * told; no longer when that writing failed (a backend cannot act on part of a request), unless an earlier try
     * wrote it whole.
     */
    @Override
    public boolean sent() {
        return wire != 0;
    }

    void writing() {
        if (wire == 0) {
            wire = 1;
        }
    }

    void written() {
        wire = 2;
    }

    void writeFailed() {
        if (wire == 1) {
            wire = 0;
        }
    }

    /** Off its connection again, to be sent on another. */
    void unbind() {
        connection = null;
    }

    boolean ended() {
        return ended.get();
    }

    /** Claims the end for the connection; false when the call was aborted. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    void fail(Throwable failure) {
        if (end()) {
            listener.onComplete(failure);
        }
    }

    AnswerListener listener() {
        return listener;
    }

    boolean headRequest() {
        return headRequest;
    }

    /** The bytes to write, the head then the body if there is one; fresh views, as a call may be sent twice. */
    ByteBuffer[] bytes() {
        return body == null ? new ByteBuffer[] {head.duplicate()} : new ByteBuffer[] {head.duplicate(), body.duplicate()};
    }
}
