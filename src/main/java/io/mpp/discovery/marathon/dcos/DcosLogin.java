package io.mpp.discovery.marathon.dcos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jsonwebtoken.Jwts;
import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.marathon.HttpAnswers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Logs a service account in to DC/OS: a short-lived RS256 login token (claims {@code uid}, {@code exp}) signed with
 * the account's private key, or its password, is POSTed to the login endpoint, which answers the auth token.
 */
public final class DcosLogin {

    /** Lifetime of the login token; it is used once, right away. Common DC/OS clients use 60-180 s. */
    static final Duration LOGIN_TOKEN_LIFETIME = Duration.ofSeconds(120);
    private static final int MAX_ANSWER = 1 << 20;

    private final HttpClient http;
    private final PrincipalSecret secret;
    private final Duration timeout;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public DcosLogin(HttpClient http, PrincipalSecret secret, Duration timeout, Clock clock) {
        this.http = http;
        this.secret = secret;
        this.timeout = timeout;
        this.clock = clock;
    }

    public String uid() {
        return secret.uid();
    }

    /** @throws DiscoveryException naming the endpoint, the account and the status; never a token or key */
    public AuthToken login() throws DiscoveryException {
        ObjectNode body = json.createObjectNode().put("uid", secret.uid());
        if (secret.privateKey() != null) {
            body.put("token", loginToken());
        } else {
            body.put("password", secret.password());
        }
        String where = "DC/OS login at " + secret.loginEndpoint() + " for service account '" + secret.uid() + "'";
        ContentResponse response;
        try {
            response = new CompletableResponseListener(http.newRequest(secret.loginEndpoint())
                    .method(HttpMethod.POST)
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.put("Accept", "application/json"))
                    .body(new StringRequestContent("application/json", body.toString())), MAX_ANSWER)
                    .send().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException(where + " was interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DiscoveryException(where + " failed: " + HttpAnswers.describe(e.getCause(), timeout), e.getCause());
        }
        int status = response.getStatus();
        if (status == 401 || status == 403) {
            throw new DiscoveryException(where + " was refused with HTTP " + status + " ("
                    + HttpAnswers.message(response.getContentAsString()) + "); check that the account exists and that"
                    + " the secret's key (or password) belongs to it");
        }
        if (status != 200) {
            throw new DiscoveryException(where + " answered HTTP " + status + " ("
                    + HttpAnswers.message(response.getContentAsString()) + ")");
        }
        try {
            JsonNode token = json.readTree(response.getContentAsString()).get("token");
            if (token == null || !token.isTextual() || token.asText().isEmpty()) {
                throw new DiscoveryException(where + " answered 200 without a 'token' field");
            }
            return AuthToken.of(token.asText(), clock.instant());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DiscoveryException(where + " answered 200 with a body that is not JSON");
        }
    }

    private String loginToken() {
        Instant now = clock.instant();
        return Jwts.builder()
                .header().type("JWT").and()
                .claim("uid", secret.uid())
                .expiration(Date.from(now.plus(LOGIN_TOKEN_LIFETIME)))
                .signWith(secret.privateKey(), Jwts.SIG.RS256)
                .compact();
    }
}
