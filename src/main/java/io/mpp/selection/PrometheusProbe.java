package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;

/**
 * Probes a Prometheus backend with two concurrent requests, each bounded by the probe timeout: an instant query over
 * {@code up} decides whether it is live (a process that accepts connections but cannot query is of no use to
 * clients), and one fetch of {@code /metrics} gives the facts the strategies rank by.
 */
public final class PrometheusProbe implements BackendProbe {

    /** Evaluates over the {@code up} series like the original's probe, but answers one sample however many targets. */
    static final String LIVENESS_QUERY = "count(up)";
    private static final int MAX_QUERY_BODY = 1024 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    public PrometheusProbe(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Candidate> probe(Endpoint endpoint) {
        CompletableFuture<Outcome> liveness = fetch(endpoint.url() + "/api/v1/query?query=" + LIVENESS_QUERY)
                .thenApply(body -> {
                    String why = ApiAnswer.notSuccess(body);
                    return new Outcome(why == null ? null : "query '" + LIVENESS_QUERY + "' " + why, true);
                })
                .exceptionally(failure -> new Outcome("query '" + LIVENESS_QUERY + "': " + describe(failure),
                        cause(failure) instanceof ProbeException));
        // Facts that came mean /metrics answered: a backend whose query engine is too busy for the query is not hung.
        CompletableFuture<Metrics> metrics = FactsFetch.fetch(client, endpoint.url() + "/metrics", timeout)
                .thenApply(facts -> new Metrics(facts, true))
                .exceptionally(failure -> new Metrics(BackendFacts.unknown("/metrics: " + describe(failure)),
                        cause(failure) instanceof FactsFetch.AfterHead));
        return liveness.thenCombine(metrics, (outcome, m) -> {
            if (outcome.error() == null) {
                return Candidate.live(endpoint, m.facts());
            }
            return !outcome.answered() && m.answered() ? Candidate.busy(endpoint, outcome.error())
                    : Candidate.down(endpoint, outcome.answered() || m.answered(), outcome.error());
        });
    }

    /** What the query said: why the backend is not live (null when it is), and whether it answered over HTTP. */
    private record Outcome(String error, boolean answered) {
    }

    /** What /metrics said, and whether it answered over HTTP. */
    private record Metrics(BackendFacts facts, boolean answered) {
    }

    /** The body of a 200 answer; completes exceptionally otherwise, always within the timeout. */
    private CompletableFuture<String> fetch(String url) {
        CompletableFuture<String> body = new CompletableFuture<>();
        try {
            var request = client.newRequest(url).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            request.send(new BufferingResponseListener(MAX_QUERY_BODY) {
                @Override
                public void onComplete(Result r) {
                    if (r.isFailed()) {
                        body.completeExceptionally(r.getFailure());
                    } else if (r.getResponse().getStatus() != 200) {
                        body.completeExceptionally(new ProbeException("answered HTTP " + r.getResponse().getStatus()));
                    } else {
                        body.complete(getContentAsString(StandardCharsets.UTF_8));
                    }
                }
            });
        } catch (RuntimeException e) {
            body.completeExceptionally(e);
        }
        return body;
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private String describe(Throwable failure) {
        Throwable f = cause(failure);
        if (f instanceof FactsFetch.AfterHead && f.getCause() != null) {
            f = f.getCause();
        }
        if (f instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (f instanceof ProbeException) {
            return f.getMessage();
        }
        String message = f.getMessage();
        return message == null ? f.getClass().getSimpleName() : f.getClass().getSimpleName() + ": " + message;
    }

    private static final class ProbeException extends RuntimeException {
        ProbeException(String message) {
            super(message, null, false, false);
        }
    }
}
