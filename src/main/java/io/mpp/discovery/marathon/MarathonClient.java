package io.mpp.discovery.marathon;

import io.mpp.discovery.DiscoveryException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GETs from Marathon with failover between masters: the master that answered last is asked first; one that is
 * unreachable, times out or answers 5xx (e.g. 503 while no leader is elected) hands over to the next. A 401 is
 * retried once with a fresh auth token.
 */
public final class MarathonClient {

    private static final Logger LOG = LoggerFactory.getLogger(MarathonClient.class);
    /** Large apps list many tasks; this bounds the memory one answer may take. */
    private static final int MAX_ANSWER = 32 << 20;

    /** An answer of a master: any status below 500. */
    public record Answer(URI master, int status, String body) {
    }

    private final List<URI> masters;
    private final HttpClient http;
    private final MarathonAuth auth;
    private final Duration timeout;
    private volatile int preferred;

    public MarathonClient(List<URI> masters, HttpClient http, MarathonAuth auth, Duration timeout) {
        if (masters.isEmpty()) {
            throw new IllegalArgumentException("no Marathon URL");
        }
        this.masters = List.copyOf(masters);
        this.http = http;
        this.auth = auth;
        this.timeout = timeout;
    }

    public List<URI> masters() {
        return masters;
    }

    public MarathonAuth auth() {
        return auth;
    }

    /** The master to try first: the one that answered last. */
    public URI preferredMaster() {
        return masters.get(preferred);
    }

    /** Moves the preference past a master that failed outside of {@link #get} (the event stream). */
    public void failedOver(URI master) {
        int index = masters.indexOf(master);
        if (index >= 0 && index == preferred) {
            preferred = (index + 1) % masters.size();
        }
    }

    /**
     * @param pathAndQuery appended to the master's base URL, e.g. {@code /v2/apps/prom?embed=app.tasks}
     * @throws MarathonUnavailableException when no master answered; its message lists each master's problem
     * @throws DiscoveryException           when logging in to DC/OS failed
     */
    public Answer get(String pathAndQuery) throws DiscoveryException {
        List<String> failures = new ArrayList<>();
        int start = preferred;
        for (int i = 0; i < masters.size(); i++) {
            int index = (start + i) % masters.size();
            URI master = masters.get(index);
            String problem;
            try {
                Answer answer = getFrom(master, pathAndQuery);
                if (answer.status() < 500) {
                    if (index != preferred) {
                        LOG.info("Marathon: now using master {}", master);
                        preferred = index;
                    }
                    return answer;
                }
                problem = "HTTP " + answer.status() + " (" + HttpAnswers.message(answer.body()) + ")";
            } catch (ExecutionException e) {
                problem = HttpAnswers.describe(e.getCause(), timeout);
            }
            failures.add(master + ": " + problem);
        }
        throw new MarathonUnavailableException("no Marathon master answered GET " + pathAndQuery + ": "
                + String.join("; ", failures));
    }

    private Answer getFrom(URI master, String pathAndQuery) throws DiscoveryException, ExecutionException {
        String authorization = auth.authorization();
        Answer answer = send(master, pathAndQuery, authorization);
        if (answer.status() == 401 && authorization != null) {
            auth.rejected(authorization);
            String renewed = auth.authorization();
            if (!authorization.equals(renewed)) { // the same token again: the login holds back after repeated 401s
                authorization = renewed;
                answer = send(master, pathAndQuery, renewed);
                if (answer.status() == 401 && renewed != null) {
                    auth.rejected(renewed); // so the login shows it as a token that does not work
                }
            }
        }
        if (answer.status() != 401 && answer.status() < 500 && authorization != null) {
            auth.accepted(authorization);
        }
        return answer;
    }

    private Answer send(URI master, String pathAndQuery, String authorization) throws ExecutionException {
        Request request = newRequest(master, pathAndQuery, authorization)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ContentResponse response = new CompletableResponseListener(request, MAX_ANSWER).send().get();
            return new Answer(master, response.getStatus(), response.getContentAsString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw new ExecutionException(e);
        }
    }

    /** A GET to a master with the JSON and authorization headers; the caller sets its timeouts. */
    public Request newRequest(URI master, String pathAndQuery, String authorization) {
        Request request = http.newRequest(master + pathAndQuery)
                .headers(h -> h.put("Accept", "application/json"));
        if (authorization != null) {
            request.headers(h -> h.put("Authorization", authorization));
        }
        return request;
    }
}
