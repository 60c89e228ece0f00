package io.mpp.proxy.http1;

import io.mpp.proxy.BadAnswer;
import java.io.EOFException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

/**
 * One HTTP/1.1 connection to a backend, carrying one call at a time. It reads answers with Jetty's
 * {@link HttpParser} straight into the listener, on the thread that has the bytes, and stops reading while the client
 * has not taken the last chunk.
 *
 * <p>The connection is interested in reading whenever it is not parsing or paused: while idle in its pool, so a
 * backend that closes it is noticed, and from the moment a request is written. A new request therefore never asks for
 * that interest again.
 */
final class Http1Connection extends AbstractConnection.NonBlocking implements HttpParser.ResponseHandler {

    private static final VarHandle CALL;

    static {
        try {
            CALL = MethodHandles.lookup().findVarHandle(Http1Connection.class, "call", Http1Call.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int BUFFER_SIZE = 16 * 1024;
    private static final long STALE_CLOSE_WINDOW_NANOS = Http1Client.STALE_CLOSE_WINDOW.toNanos();
    /** States of a chunk handed to the listener. */
    private static final int WRITING = 0;
    private static final int TAKEN = 1;
    private static final int PAUSED = 2;

    private final Http1Pool pool;
    private final HttpParser parser;
    private final ByteBuffer in = BufferUtil.allocateDirect(BUFFER_SIZE);
    private final AtomicInteger chunk = new AtomicInteger(TAKEN);
    private final Callback sent = Callback.from(InvocationType.NON_BLOCKING, this::written, this::sendFailed);
    /**
     * Halves of the current exchange not done yet: writing the request, reading the answer. The answer can be read
     * whole before the thread that wrote the request has finished with the write, so the connection is free only
     * when both are done.
     */
    private final AtomicInteger halves = new AtomicInteger();
    private final Callback taken = new Taken();
    /**
     * The call being answered; null while idle. Set by the thread that sends, read by the one that parses; taken off
     * by compare-and-set where two threads may race to resend or fail it (a failed write and the close it causes).
     */
    private volatile Http1Call call;
    /** From the request's send to its answer's final head; read by the idle check. */
    private volatile boolean awaitingHead;
    // Parse state: touched only by the thread that parses (a pause hands it over through the chunk state).
    private int status;
    private boolean keepAlive;
    private HttpFields.Mutable headers;
    private boolean complete;
    private Throwable failure;
    /** Answers this connection carried whole: a connection that did may have been closed by the backend meanwhile. */
    private int answers;
    /** When the current request was written whole, by {@link System#nanoTime()}; 0 while it is being written. */
    private volatile long writtenAt;

    Http1Connection(EndPoint endPoint, Executor executor, Http1Pool pool) {
        super(endPoint, executor);
        this.pool = pool;
        this.parser = new HttpParser(this, pool.maxHeadBytes());
        // Whichever selector carries it, an endpoint starts with its connector's idle timeout, not the client's.
        endPoint.setIdleTimeout(pool.idleTimeoutMillis());
    }

    @Override
    public void onOpen() {
        super.onOpen();
        fillInterested();
    }

    /** Writes the call's request; the answer is read as it comes (reading interest is on already). */
    void send(Http1Call next) {
        if (!next.bind(this)) {
            close(); // aborted while it waited; this connection may have seen part of its exchange
            return;
        }
        parser.setHeadResponse(next.headRequest());
        halves.set(2);
        writtenAt = 0;
        awaitingHead = true;
        call = next; // publishes the parser's setting to the thread that will parse
        next.writing();
        getEndPoint().write(sent, next.bytes());
    }

    private void written() {
        long now = System.nanoTime();
        writtenAt = now == 0 ? 1 : now;
        Http1Call c = call;
        if (c != null) {
            c.written(); // null when the answer came whole first: nothing can fail it any more
        }
        halfDone();
    }

    private void halfDone() {
        if (halves.decrementAndGet() == 0) {
            pool.release(this);
        }
    }

    private void sendFailed(Throwable cause) {
        Http1Call c = call;
        if (c != null) {
            c.writeFailed();
        }
        if (!resentFresh()) {
            failed(cause);
        }
    }

    /**
     * A backend may close a kept-alive connection just as a request goes out on it (its idle timeout); nothing of the
     * request was answered, so it goes again on a new connection, without counting against the backend. That close
     * was on its way before the request arrived, so it comes while the request is written or just after. A close
     * that comes later is the backend's answer to the request (a query that made it crash): that request is not
     * sent to the same backend twice.
     */
    private boolean resentFresh() {
        Http1Call c = call;
        if (answers == 0 || status != 0 || c == null || c.ended()) {
            return false;
        }
        long written = writtenAt;
        if (written != 0 && System.nanoTime() - written > STALE_CLOSE_WINDOW_NANOS) {
            return false;
        }
        if (CALL.compareAndSet(this, c, null)) {
            close();
            pool.sendFresh(c);
        }
        return true; // by this thread or by the one that took the call first
    }

    private void failed(Throwable cause) {
        Http1Call c = call;
        if (c != null) {
            end(c, cause);
        } else {
            close();
        }
    }

    /** Closes the connection and fails its call with this cause rather than with the close. */
    private void end(Http1Call c, Throwable cause) {
        boolean mine = CALL.compareAndSet(this, c, null);
        close();
        if (mine) {
            c.fail(cause);
        }
    }

    @Override
    public void onFillable() {
        process();
    }

    /** Parses what was read, reads more, and so on until no bytes are ready, the client lags, or the answer ended. */
    private void process() {
        try {
            while (true) {
                Http1Call c = call;
                if (c == null) {
                    // Idle: the backend closed the connection, or spoke out of turn. Either way it is done.
                    BufferUtil.clear(in);
                    if (getEndPoint().fill(in) == 0) {
                        fillInterested();
                    } else {
                        close();
                    }
                    return;
                }
                if (parser.parseNext(in)) {
                    return; // paused until the client took the chunk, or the call was aborted
                }
                if (failure != null) {
                    if (!resentFresh()) {
                        end(c, failure);
                    }
                    return;
                }
                if (complete) {
                    if (answered(c)) {
                        return;
                    }
                    continue; // that was an interim answer; the final one follows
                }
                if (c.ended()) {
                    close();
                    return;
                }
                if (parser.isTerminated()) {
                    // The parser is closed without having said why (EOF at the start of an answer).
                    if (!resentFresh()) {
                        end(c, new EOFException("the backend closed the connection before the answer"));
                    }
                    return;
                }
                BufferUtil.clear(in);
                int read = getEndPoint().fill(in);
                if (read == 0) {
                    fillInterested();
                    return;
                }
                if (read < 0) {
                    parser.atEOF();
                }
            }
        } catch (Throwable x) {
            // A reset by a backend that had closed the connection is a reason to send again.
            if (!resentFresh()) {
                failed(x);
            }
        }
    }

    /** The answer to the call ended; true when the call is done, false after an interim (1xx) answer. */
    private boolean answered(Http1Call c) {
        complete = false;
        if (status < 200) {
            if (status == 101) {
                // mpp never asks to switch protocols.
                failed(new BadAnswer("the backend switched protocols unasked (101)"));
                return true;
            }
            parser.reset();
            parser.setHeadResponse(c.headRequest());
            return false;
        }
        boolean reusable = keepAlive && !in.hasRemaining() && !parser.isTerminated() && getEndPoint().isOpen();
        call = null;
        headers = null;
        status = 0;
        answers++;
        if (!c.end()) {
            close(); // aborted a moment ago: its abort owns the end
            return true;
        }
        if (reusable) {
            parser.reset();
            // Interested before it is shared: whoever takes it next only writes.
            fillInterested();
            halfDone();
        } else {
            close();
        }
        c.listener().onComplete(null);
        return true;
    }

    /**
     * Not idle while a request waits for its answer: Prometheus sends nothing before its query is evaluated, which
     * may take minutes. That wait is bounded by the exchange timeout and watched for a hung backend by the headers
     * timeout; cut by the idle timeout, a slow query was run again on the next replica, and cut there too.
     */
    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        return call == null || !awaitingHead;
    }

    @Override
    protected boolean onReadTimeout(TimeoutException timeout) {
        failed(new TimeoutException("no data from the backend within the idle timeout"));
        return false;
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        pool.closed(this);
        Http1Call c = call;
        if (c != null && !resentFresh() && CALL.compareAndSet(this, c, null)) {
            c.fail(cause != null ? cause : new ClosedChannelException());
        }
    }

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
        this.status = status;
        this.keepAlive = version == HttpVersion.HTTP_1_1;
        this.headers = HttpFields.build();
    }

    @Override
    public void parsedHeader(HttpField field) {
        if (field.getHeader() == HttpHeader.TRANSFER_ENCODING) {
            BadAnswer unsupported = BadAnswer.ofTransferEncoding(field.getValue());
            if (unsupported != null) {
                failure = unsupported; // kept by badMessage, which the parser calls for this throw
                throw new HttpException.RuntimeException(HttpStatus.BAD_GATEWAY_502, unsupported.getMessage());
            }
        }
        if (field.getHeader() == HttpHeader.CONNECTION) {
            if (field.contains(HttpHeaderValue.CLOSE.asString())) {
                keepAlive = false;
            } else if (field.contains(HttpHeaderValue.KEEP_ALIVE.asString())) {
                keepAlive = true;
            }
        }
        headers.add(field);
    }

    @Override
    public boolean headerComplete() {
        Http1Call c = call;
        if (status >= 200) {
            awaitingHead = false;
            if (c != null && !c.ended()) {
                c.listener().onHead(status, headers);
            }
        }
        return false;
    }

    @Override
    public boolean content(ByteBuffer item) {
        Http1Call c = call;
        if (c == null || c.ended()) {
            // Aborted, maybe by the head just reported (whose abort closed this connection and let go of the call).
            return true;
        }
        chunk.set(WRITING);
        boolean last = !parser.isChunking() && parser.getContentLength() >= 0
                && parser.getContentRead() == parser.getContentLength();
        c.listener().onContent(item, last, taken);
        // Taken at once (the usual case for small answers): go on. Otherwise stop until it is.
        return chunk.compareAndSet(WRITING, PAUSED);
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        complete = true;
        return false;
    }

    @Override
    public void earlyEOF() {
        failure = status == 0 ? new EOFException("the backend closed the connection before the answer")
                : new BadAnswer("the backend closed the connection within its answer");
    }

    @Override
    public void badMessage(HttpException cause) {
        if (failure == null) {
            failure = new BadAnswer("the backend's answer is not valid HTTP/1.1: " + cause.getReason());
        }
    }

    /** The client took a chunk: go on parsing, here when the parsing thread has already stopped for it. */
    private final class Taken implements Callback {
        @Override
        public void succeeded() {
            if (!chunk.compareAndSet(WRITING, TAKEN)) {
                process();
            }
        }

        @Override
        public void failed(Throwable cause) {
            chunk.set(TAKEN);
            Http1Connection.this.failed(cause);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
