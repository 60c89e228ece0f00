package io.mpp.proxy;

import io.mpp.discovery.Endpoint;
import io.mpp.proxy.affinity.Route;
import io.mpp.selection.SelectionSource;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * One client request on its way through mpp, started once its body is read (a {@link Promise} of it): one attempt
 * at a time, and a new attempt on another backend when one fails before its answer started (connection refused or
 * broken, a hung backend, a 502 or 504 answer, or a 503 that is not the Prometheus API's). Once a backend's answer
 * has started, it streams to the client and is never retried. Without {@link RetryPolicy#retryDelivered}, only a
 * request that never went out whole to its backend, or that a backend refused with a not-ready 503, goes elsewhere.
 *
 * <p>The watchdog watches the exchange (one entry per request, as its sweep costs per entry): the current attempt's
 * headers deadline while its answer has not started, and the exchange timeout, which bounds all attempts together.
 */
final class Exchange implements Promise<RequestBody>, AnswerWatchdog.Watched {

    private final RoutingProxyHandler proxy;
    private final SelectionSource selection;
    private final RetryPolicy policy;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Route route;
    /** When the request arrived, by {@link System#nanoTime()}. */
    private final long started;
    private final long deadline;
    private RequestBody body;
    /** Written by one attempt before it starts the next; attempts never overlap. */
    private volatile List<Endpoint> tried = List.of();
    private volatile int retriesLeft;
    private volatile Attempt current;
    /** Set when the client's side failed (it went away): nothing is retried for it any more. */
    private volatile Throwable clientFailure;
    /** Set once the client's callback is completed: the watchdog forgets the exchange. */
    private volatile boolean over;

    Exchange(RoutingProxyHandler proxy, Request request, Response response, Callback callback, Route route,
             long started) {
        this.proxy = proxy;
        this.selection = proxy.selection();
        this.policy = proxy.policy();
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.route = route;
        this.started = started;
        this.deadline = started + policy.exchangeTimeout().toNanos();
    }

    /** The body is read: the first attempt. */
    @Override
    public void succeeded(RequestBody body) {
        this.body = body;
        this.retriesLeft = body.replayable() ? policy.maxRetries() : 0;
        request.addFailureListener(this::clientFailed);
        proxy.watchdog().watch(this);
        send(route.backend());
    }

    /** The body could not be read: the client's request is at fault, no backend is asked. */
    @Override
    public void failed(Throwable failure) {
        bodyFailed(null, failure);
    }

    /**
     * The client's body could not be read to its end, before the first attempt or while it streamed to a backend:
     * the client left (499) or sent a broken or stalled body (400). Either way the backend is not to blame.
     */
    private void bodyFailed(Endpoint backend, Throwable failure) {
        over = true;
        if (clientDeparted(failure)) {
            clientFailure = failure;
            abandonForDepartedClient(backend);
            return;
        }
        proxy.metrics().completed(backend, 400, started);
        fail(400, "the request body could not be read: " + describe(failure));
    }

    /**
     * Whether the body failed for the client's departure. Jetty reports a malformed chunked body as an early end of
     * file too, while the client is still there and waits for an answer; over HTTP/1 only the input's end tells.
     */
    private boolean clientDeparted(Throwable failure) {
        if (!(failure instanceof EofException)) {
            return false;
        }
        if (request.getConnectionMetaData().getHttpVersion().getVersion() >= 20) {
            return true; // a stream's reset: its connection carries others, and stays
        }
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        return endPoint.isInputShutdown() || !endPoint.isOpen();
    }

    /**
     * The client closed its connection, or its sending side (half-closed, as {@code nc -N} does: taken for gone, as
     * nginx takes it). Nothing is written: an error answer on a half-closed connection would read as mpp's failure.
     */
    private void abandonForDepartedClient(Endpoint backend) {
        over = true;
        proxy.metrics().completed(backend, 499, started);
        if (request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
            // An HTTP/2 stream is reset instead, and its connection carries others.
            request.getConnectionMetaData().getConnection().getEndPoint().close(clientFailure);
        }
        callback.failed(clientFailure);
    }

    private void clientFailed(Throwable failure) {
        clientFailure = failure;
        Attempt attempt = current;
        if (attempt != null) {
            attempt.call.abort(failure);
        }
    }

    @Override
    public boolean waiting() {
        return !over;
    }

    /** The earlier of the exchange's deadline and, while its answer has not started, the current attempt's. */
    @Override
    public long deadline() {
        Attempt attempt = current;
        return attempt != null && attempt.waiting() && attempt.deadline - deadline < 0 ? attempt.deadline : deadline;
    }

    /**
     * Either the exchange timeout is up, and the current attempt ends with no time left for another; or the current
     * attempt's answer is late, and {@link Attempt#overdue} decides.
     *
     * <p>The abort's failure handling runs on this thread. Between an answer's head and its first write to the client
     * the answer's own thread fills the client's response, so an attempt in that state is not ended here: the next
     * sweep finds it sent (Jetty orders a failure after its own writes), or the idle timeout ends a backend that
     * stalls after its head.
     */
    @Override
    public void overdue() {
        Attempt attempt = current;
        if (attempt == null) {
            return;
        }
        if (System.nanoTime() - deadline >= 0) {
            if (attempt.state.compareAndSet(Attempt.WAITING, Attempt.ABANDONED) || response.isCommitted()) {
                attempt.call.abort(new TimeoutException("no complete answer within the exchange timeout"));
            }
        } else if (attempt.waiting()) {
            attempt.overdue();
        }
    }

    private void send(Endpoint backend) {
        if (tried.isEmpty()) {
            tried = List.of(backend);
        } else {
            List<Endpoint> now = new ArrayList<>(tried);
            now.add(backend);
            tried = List.copyOf(now);
        }
        long now = System.nanoTime();
        Attempt attempt = new Attempt(backend, now, now + policy.headersTimeout().toNanos());
        try {
            attempt.call = proxy.newCall(request, backend, body, attempt);
        } catch (IllegalArgumentException e) {
            over = true;
            proxy.metrics().completed(null, 400, started);
            fail(400, "the request target cannot be passed on: " + e.getMessage());
            return;
        }
        current = attempt;
        attempt.call.start();
    }

    /** A backend that may take this request when the current one failed, or null when there is no more chance. */
    private Endpoint nextBackend() {
        if (retriesLeft <= 0 || deadline - System.nanoTime() <= 0 || clientFailure != null) {
            return null;
        }
        return route.next(selection.current(), tried);
    }

    private void retryOrFail(Attempt failed, Throwable failure) {
        if (clientFailure != null) {
            // The client went away: the backend did nothing wrong and nobody waits for another attempt.
            abandonForDepartedClient(failed.backend);
            return;
        }
        if (body.readFailure() != null) {
            bodyFailed(failed.backend, body.readFailure());
            return;
        }
        String why = describe(failure);
        boolean exchangeTimedOut = failure instanceof TimeoutException && !(failure instanceof HungBackend);
        if (!exchangeTimedOut) {
            // A backend that timed out on the whole budget may just be slow; the others failed for a reason.
            selection.reportFailure(failed.backend, failed.sentAt, why);
        }
        Endpoint next = failed.next != null ? failed.next : failed.mayGoElsewhere() ? nextBackend() : null;
        if (next != null) {
            retriesLeft--;
            proxy.metrics().retried(failed.backend);
            send(next);
            return;
        }
        int status = failure instanceof TimeoutException ? 504 : 502;
        over = true;
        proxy.metrics().completed(failed.backend, status, started);
        fail(status, "backend " + failed.backend + " failed: " + why
                + (tried.size() > 1 ? " (tried " + tried + ")" : "")
                + (!failed.mayGoElsewhere() && nextBackend() != null
                        ? "; not sent to another backend, as this one had it and proxy.retryDelivered is false" : ""));
    }

    /** Ends the exchange with a Prometheus-style error, or cuts the connection when the answer had started. */
    private void fail(int status, String message) {
        if (response.isCommitted()) {
            callback.failed(new IOException(message));
            return;
        }
        response.reset();
        // What is left of the client's request body, if anything, is not worth reading.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        PrometheusError.send(response, callback, status, PrometheusError.typeOf(status), message);
    }

    /** A short reason for logs and error answers (Jetty's own messages carry whole connection dumps). */
    static String describe(Throwable failure) {
        if (failure instanceof HungBackend || failure instanceof RetryableAnswer || failure instanceof BadAnswer) {
            return failure.getMessage();
        }
        if (failure instanceof TimeoutException) {
            // mpp's own timeouts say which (exchange, idle); Jetty's client says its own briefly.
            return failure.getMessage() != null ? failure.getMessage()
                    : "no complete answer within the exchange timeout";
        }
        if (failure instanceof HttpResponseException) {
            // Jetty's client on a bad answer; its message is a dump of the connection.
            return "the backend's answer is not valid HTTP/1.1"
                    + (failure.getCause() instanceof HttpException bad ? ": " + bad.getReason() : "");
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
    private final class Attempt implements AnswerListener {
        private static final int WAITING = 0;
        private static final int STARTED = 1;
        private static final int ABANDONED = 2;

        private final Endpoint backend;
        /** When it was sent, by {@link System#nanoTime()}. */
        private final long sentAt;
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        /** Set before the call starts, and read only after (by the answer's thread, or after {@link #current}). */
        private BackendCall call;
        private volatile boolean reselectAsked;
        /** Chosen when an answer is refused or a hung backend left, so the retry goes where that was decided. */
        private volatile Endpoint next;
        private int status;

        Attempt(Endpoint backend, long sentAt, long deadline) {
            this.backend = backend;
            this.sentAt = sentAt;
            this.deadline = deadline;
        }

        boolean waiting() {
            return state.get() == WAITING;
        }

        /** Whether a failure of this attempt may move the request on: always, unless the backend may have it. */
        boolean mayGoElsewhere() {
            return policy.retryDelivered() || !call.sent();
        }

        /**
         * The answer has not started in time. A hung backend answers nothing to its probe; a busy one answers at
         * least its /metrics, even when its query engine is too busy for the probe's query. So ask for a selection,
         * and move on only once it found the backend silent and another one can take the request: a backend that is
         * just slow, or that discovery no longer lists, finishes what it was given.
         */
        void overdue() {
            Endpoint other = selection.current().silent(backend) && mayGoElsewhere() ? nextBackend() : null;
            if (other != null) {
                if (state.compareAndSet(WAITING, ABANDONED)) {
                    next = other;
                    call.abort(new HungBackend("no answer within " + policy.headersTimeout().toMillis()
                            + " ms and none to its probe"));
                }
            } else if (!reselectAsked) {
                reselectAsked = true;
                selection.reselectSoon();
            }
        }

        @Override
        public void onHead(int status, HttpFields headers) {
            // A not-ready 503 says the backend did not take the request; a 502 or 504 of a proxy in front of it
            // does not say whether it did. Either way it had the request: it answered.
            if (status == 503 && !fromPrometheusApi(headers) || (status == 502 || status == 504)
                    && policy.retryDelivered()) {
                Endpoint other = nextBackend();
                if (other != null && state.compareAndSet(WAITING, ABANDONED)) {
                    next = other;
                    call.abort(new RetryableAnswer("answered " + status));
                    return;
                }
            }
            if (!state.compareAndSet(WAITING, STARTED)) {
                return; // abandoned by the watchdog a moment ago; the abort is on its way
            }
            if ((status == 502 || status == 504) && !policy.retryDelivered()) {
                // Passed on for want of retryDelivered, it is still a failure: new requests go to the others.
                selection.reportFailure(backend, sentAt, "answered " + status);
            }
            this.status = status;
            response.setStatus(status);
            proxy.copyAnswerHeaders(request, response, headers, backend, route);
            if (status == 204) {
                // A 204 has no content (RFC 9110 8.6): a stated length would make Jetty end it with a 500 of its own.
                response.getHeaders().remove(HttpHeader.CONTENT_LENGTH);
            }
        }

        /**
         * Passes each chunk on as it arrives; the transport reads on once the client's side took it. A last chunk
         * ends the answer in the same write.
         */
        @Override
        public void onContent(ByteBuffer chunk, boolean last, Callback taken) {
            if (state.get() != STARTED) {
                taken.failed(new IOException("answer abandoned"));
                return;
            }
            response.write(last, chunk, taken);
        }

        private boolean headWithoutLength() {
            return HttpMethod.HEAD.is(request.getMethod())
                    && !response.getHeaders().contains(HttpHeader.CONTENT_LENGTH);
        }

        @Override
        public void onComplete(Throwable failure) {
            if (state.get() == STARTED) {
                over = true;
                if (failure == null) {
                    proxy.metrics().completed(backend, status, started);
                    if (!response.isCommitted() && headWithoutLength()) {
                        // Ended with nothing sent, Jetty would state Content-Length: 0, which a HEAD answer only
                        // says of an empty GET answer. Sending the head first leaves the length unstated.
                        response.write(false, BufferUtil.EMPTY_BUFFER,
                                Callback.from(() -> InlineResume.succeed(callback), callback::failed));
                        return;
                    }
                    InlineResume.succeed(callback);
                } else if (!response.isCommitted() && clientFailure != null) {
                    // Gone after the answer's head came and before any of it went out; its response is not touched
                    // here, as the answer's thread may be filling it.
                    abandonForDepartedClient(backend);
                } else if (!response.isCommitted()) {
                    proxy.metrics().completed(backend, 502, started);
                    fail(502, "backend " + backend + " broke off its answer: " + describe(failure));
                } else {
                    proxy.metrics().completed(backend, status, started);
                    callback.failed(failure);
                }
                return;
            }
            // Nothing reached the client yet (even if an abandoned answer completed meanwhile): try elsewhere.
            state.set(ABANDONED);
            retryOrFail(this, failure != null ? failure : new RetryableAnswer("answer abandoned"));
        }
    }

    /**
     * A 503 in JSON is Prometheus's API answering for a query (its {@code timeout} error, a query over its own
     * {@code --query.timeout}): another replica would run the same query into the same limit, and the backend is
     * fine. A 503 in anything else (Prometheus starting up, a proxy in front of it), or mpp's own (another mpp as the
     * backend, with no backend of its own), means the backend is not there.
     */
    static boolean fromPrometheusApi(HttpFields headers) {
        String type = headers.get(HttpHeader.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/json", 0, "application/json".length())
                && !headers.contains(PrometheusError.MPP_ERROR);
    }

    /** The backend did not start its answer in time and selection found it silent. */
    static final class HungBackend extends TimeoutException {
        HungBackend(String message) {
            super(message);
        }
    }

    /** A 502, 503 or 504 answer that another backend may do better on (see {@link #fromPrometheusApi}). */
    static final class RetryableAnswer extends Exception {
        RetryableAnswer(String message) {
            super(message, null, false, false);
        }
    }
}
