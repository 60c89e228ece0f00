package io.mpp.proxy;

import io.mpp.discovery.Endpoint;
import io.mpp.proxy.affinity.Route;
import io.mpp.selection.SelectionSource;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

/**
 * One client request on its way through mpp: one attempt at a time, and a new attempt on another backend when one
 * fails before its answer started (connection refused or broken, a hung backend, or a 502/503/504 answer). Once a
 * backend's answer has started, it streams to the client and is never retried.
 */
final class Exchange {

    private final RoutingProxyServlet servlet;
    private final SelectionSource selection;
    private final RetryPolicy policy;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final RequestBody body;
    private final Route route;
    /** When the request arrived, by {@link System#nanoTime()}. */
    private final long started;
    private final long deadline;
    /** Written by one attempt before it starts the next; attempts never overlap. */
    private volatile List<Endpoint> tried = List.of();
    private volatile int retriesLeft;

    Exchange(RoutingProxyServlet servlet, SelectionSource selection, RetryPolicy policy, HttpServletRequest request,
             HttpServletResponse response, RequestBody body, Route route, long started) {
        this.servlet = servlet;
        this.selection = selection;
        this.policy = policy;
        this.request = request;
        this.response = response;
        this.body = body;
        this.route = route;
        this.started = started;
        this.deadline = System.nanoTime() + policy.exchangeTimeout().toNanos();
        this.retriesLeft = body.replayable() ? policy.maxRetries() : 0;
    }

    void start(Endpoint backend) {
        send(backend);
    }

    private void send(Endpoint backend) {
        if (tried.isEmpty()) {
            tried = List.of(backend);
        } else {
            List<Endpoint> now = new ArrayList<>(tried);
            now.add(backend);
            tried = List.copyOf(now);
        }
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        Request proxyRequest = servlet.newBackendRequest(request, backend, body);
        proxyRequest.timeout(Math.max(1, remaining), TimeUnit.MILLISECONDS);
        Attempt attempt = new Attempt(backend, proxyRequest, System.nanoTime() + policy.headersTimeout().toNanos());
        servlet.watchdog().watch(attempt);
        proxyRequest.send(attempt);
    }

    /** A backend that may take this request when the current one failed, or null when there is no more chance. */
    private Endpoint nextBackend() {
        if (retriesLeft <= 0 || deadline - System.nanoTime() <= 0) {
            return null;
        }
        return route.next(selection.current(), tried);
    }

    private void retryOrFail(Attempt failed, Throwable failure) {
        String why = describe(failure);
        boolean exchangeTimedOut = failure instanceof TimeoutException && !(failure instanceof HungBackend);
        if (!exchangeTimedOut) {
            // A backend that timed out on the whole budget may just be slow; the others failed for a reason.
            selection.reportFailure(failed.backend, why);
        }
        Endpoint next = failed.next != null ? failed.next : nextBackend();
        if (next != null) {
            retriesLeft--;
            servlet.metrics().retried(failed.backend);
            send(next);
            return;
        }
        int status = failure instanceof TimeoutException ? HttpServletResponse.SC_GATEWAY_TIMEOUT
                : HttpServletResponse.SC_BAD_GATEWAY;
        servlet.metrics().completed(failed.backend, status, started);
        servlet.sendError(request, response, status, "backend " + failed.backend + " failed: " + why
                + (tried.size() > 1 ? " (tried " + tried + ")" : ""));
    }

    /**
     * Passes one chunk of an answer on as it arrives: without the flush Jetty would hold up to a buffer's worth of
     * it. Jetty's own stream takes the (usually direct) buffer as it is; any other needs a copy.
     */
    static void write(ServletOutputStream out, ByteBuffer content) throws IOException {
        if (out instanceof HttpOutput jetty) {
            jetty.write(content);
        } else if (content.hasArray()) {
            out.write(content.array(), content.arrayOffset() + content.position(), content.remaining());
        } else {
            byte[] bytes = new byte[content.remaining()];
            content.get(bytes);
            out.write(bytes);
        }
        out.flush();
    }

    /** A short reason for logs and error answers (Jetty's own messages carry whole connection dumps). */
    static String describe(Throwable failure) {
        if (failure instanceof HungBackend || failure instanceof RetryableAnswer) {
            return failure.getMessage();
        }
        if (failure instanceof TimeoutException) {
            return "no complete answer within the exchange timeout";
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        if (failure instanceof SocketTimeoutException) {
            return "connect timeout";
        }
        if (failure instanceof EOFException || failure instanceof ClosedChannelException) {
            return "connection closed before the answer";
        }
        if (failure instanceof IOException) {
            return "connection broken (" + failure.getClass().getSimpleName() + ")";
        }
        return failure.getClass().getSimpleName();
    }

    /** One try on one backend. States: waiting for the answer, started (streams to the client), abandoned. */
    private final class Attempt implements Response.Listener, AnswerWatchdog.Watched {
        private static final int WAITING = 0;
        private static final int STARTED = 1;
        private static final int ABANDONED = 2;

        private final Endpoint backend;
        private final Request proxyRequest;
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile boolean reselectAsked;
        /** Chosen when an answer is refused so the retry goes where the decision was made. */
        private volatile Endpoint next;

        Attempt(Endpoint backend, Request proxyRequest, long deadline) {
            this.backend = backend;
            this.proxyRequest = proxyRequest;
            this.deadline = deadline;
        }

        @Override
        public boolean waiting() {
            return state.get() == WAITING;
        }

        @Override
        public long deadline() {
            return deadline;
        }

        /**
         * The answer has not started in time. A hung backend fails its probe; a busy one answers it. So ask for a
         * selection, and move on only once selection has taken the backend out of the live ones.
         */
        @Override
        public void overdue() {
            if (!selection.current().live().contains(backend)) {
                if (state.compareAndSet(WAITING, ABANDONED)) {
                    proxyRequest.abort(new HungBackend("no answer within " + policy.headersTimeout().toMillis()
                            + " ms and it failed its probe"));
                }
            } else if (!reselectAsked) {
                reselectAsked = true;
                selection.reselectSoon();
            }
        }

        @Override
        public void onHeaders(Response answer) {
            int status = answer.getStatus();
            if (status == 502 || status == 503 || status == 504) {
                Endpoint other = nextBackend();
                if (other != null && state.compareAndSet(WAITING, ABANDONED)) {
                    next = other;
                    answer.abort(new RetryableAnswer("answered " + status));
                    return;
                }
            }
            if (!state.compareAndSet(WAITING, STARTED)) {
                return; // abandoned by the watchdog a moment ago; the abort is on its way
            }
            response.setStatus(status);
            servlet.copyAnswerHeaders(request, response, answer, backend, route);
        }

        @Override
        public void onContent(Response answer, Content.Chunk chunk, Runnable demander) {
            chunk.retain();
            Callback callback = Callback.from(chunk::release, Callback.from(demander, answer::abort));
            try {
                write(response.getOutputStream(), chunk.getByteBuffer());
                callback.succeeded();
            } catch (Throwable x) {
                callback.failed(x);
            }
        }

        @Override
        public void onComplete(Result result) {
            if (state.get() == STARTED) {
                servlet.metrics().completed(backend, result.getResponse().getStatus(), started);
                if (result.isSucceeded()) {
                    servlet.answerComplete(request);
                } else {
                    servlet.answerBroken(request, response, result.getResponse(), result.getFailure());
                }
                return;
            }
            // Nothing reached the client yet (even if an abandoned answer completed meanwhile): try elsewhere.
            state.set(ABANDONED);
            Throwable failure = result.getFailure() != null ? result.getFailure()
                    : new RetryableAnswer("answer abandoned");
            retryOrFail(this, failure);
        }
    }

    /** The backend did not start its answer in time and selection found it dead. */
    static final class HungBackend extends TimeoutException {
        HungBackend(String message) {
            super(message);
        }
    }

    /** A 502, 503 or 504 answer that another backend may do better on. */
    static final class RetryableAnswer extends Exception {
        RetryableAnswer(String message) {
            super(message, null, false, false);
        }
    }
}
