package io.mpp.selection;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Reads a backend's {@code /metrics} into its facts as the body arrives. Only the lines of
 * {@link BackendFacts#METRICS} are kept and parsed, so memory does not grow with the body, and the reading happens
 * inside the exchange, so the request's timeout bounds it too: the future completes within the timeout.
 */
final class FactsFetch implements Response.Listener {

    /**
     * Bodies beyond this are not read to the end. Nothing of them is kept any more, so the bound is on the time and
     * bandwidth a probe spends every interval, not on memory; a Prometheus serves tens of KiB, and one with very many
     * targets a few MiB, so this leaves room for far more without letting a misdirected URL stream forever.
     */
    static final long MAX_BODY = 32L * 1024 * 1024;
    /** The text format; a newer Prometheus would otherwise be free to choose another. */
    static final String ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1";

    private final CompletableFuture<BackendFacts> facts = new CompletableFuture<>();
    private final ExpositionScanner scanner = new ExpositionScanner(BackendFacts.METRICS);
    private long received;
    /** Why the body is not read, once decided; the abort's failure then only ends the exchange. */
    private volatile String refused;
    /** Whether the answer's head came: a body that fails later still means the backend answered. */
    private volatile boolean headCame;

    private FactsFetch() {
    }

    /**
     * The facts of the {@code /metrics} at {@code url}, or unknown facts saying why there are none; completes
     * exceptionally when the exchange fails (no connection, no answer within the timeout).
     */
    static CompletableFuture<BackendFacts> fetch(HttpClient client, String url, Duration timeout) {
        FactsFetch listener = new FactsFetch();
        try {
            client.newRequest(url)
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.put(HttpHeader.ACCEPT, ACCEPT))
                    .send(listener);
        } catch (RuntimeException e) {
            listener.facts.completeExceptionally(e);
        }
        return listener.facts;
    }

    @Override
    public void onHeaders(Response response) {
        headCame = true;
        long length = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (response.getStatus() != 200) {
            refuse(response, "answered HTTP " + response.getStatus());
        } else if (length > MAX_BODY) {
            refuse(response, "its body of " + length + " bytes is larger than the " + MAX_BODY
                    + " bytes the probe reads");
        }
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        if (refused != null) {
            return;
        }
        received += content.remaining();
        if (received > MAX_BODY) {
            refuse(response, "its body is larger than the " + MAX_BODY + " bytes the probe reads");
        } else {
            scanner.feed(content);
        }
    }

    @Override
    public void onComplete(Result result) {
        String why = refused;
        if (why != null) {
            facts.complete(BackendFacts.unknown("/metrics: " + why));
        } else if (result.isFailed()) {
            facts.completeExceptionally(headCame ? new AfterHead(result.getFailure()) : result.getFailure());
        } else {
            facts.complete(BackendFacts.from(scanner.finish()));
        }
    }

    private void refuse(Response response, String why) {
        refused = why;
        response.abort(new IllegalStateException(why));
    }

    /** The exchange failed after the answer's head came (a body that stalls or breaks off): the backend answered. */
    static final class AfterHead extends RuntimeException {
        AfterHead(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
