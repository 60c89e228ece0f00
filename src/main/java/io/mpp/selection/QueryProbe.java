package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;

/**
 * A backend is live when it answers the instant query {@code up} with a success envelope within the timeout: a
 * process that accepts connections but cannot query is of no use to clients.
 */
public final class QueryProbe implements BackendProbe {

    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    public QueryProbe(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Candidate> probe(Endpoint endpoint) {
        CompletableFuture<Candidate> result = new CompletableFuture<>();
        try {
            client.newRequest(endpoint.url() + "/api/v1/query?query=up")
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send(new BufferingResponseListener(MAX_BODY) {
                        @Override
                        public void onComplete(org.eclipse.jetty.client.Result r) {
                            if (r.isFailed()) {
                                result.complete(Candidate.down(endpoint, describe(r.getFailure())));
                            } else if (r.getResponse().getStatus() != 200) {
                                result.complete(Candidate.down(endpoint,
                                        "query 'up' answered HTTP " + r.getResponse().getStatus()));
                            } else if (!getContentAsString(StandardCharsets.UTF_8).contains("\"status\":\"success\"")) {
                                result.complete(Candidate.down(endpoint, "query 'up' did not answer success"));
                            } else {
                                result.complete(Candidate.live(endpoint));
                            }
                        }
                    });
        } catch (RuntimeException e) {
            result.complete(Candidate.down(endpoint, describe(e)));
        }
        return result;
    }

    private String describe(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : failure.getClass().getSimpleName() + ": " + message;
    }
}
