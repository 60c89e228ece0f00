package io.mpp.discovery.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.credentials.Authentication;
import io.mpp.util.GoDuration;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sends the id-token of a kubeconfig's oidc auth-provider with every request, in place of the client, whose renewal
 * waits for the identity provider without any bound. The id-token is sent while its {@code exp} is ahead; after, and
 * when the API server refuses it (401: revoked, or expired by the server's clock), it is renewed with the
 * refresh-token ({@link OidcIssuer}) and the request sent once more. Renewed tokens, and a refresh-token the provider
 * rotates, are kept in memory only: mpp never writes the kubeconfig.
 */
final class OidcAuthentication implements Authentication, Interceptor {

    private final Authentication kubeconfig;
    private final OidcIssuer issuer;
    private final Duration timeout;
    /** One renewal at a time: the API calls and the watch share the tokens, and a rotated refresh-token is spent. */
    private final ReentrantLock renewing = new ReentrantLock();
    private volatile Held held;

    /** The tokens in use; either may be null (none in the kubeconfig). */
    private record Held(IdToken idToken, String refreshToken) {

        boolean usable(String refused) {
            return idToken != null && !idToken.value().equals(refused) && idToken.fresh(Instant.now());
        }

        @Override
        public String toString() {
            return "Held[hidden]";
        }
    }

    /**
     * @param kubeconfig what else the kubeconfig's user has (e.g. a client certificate), provided as the client would
     * @param timeout    bound on getting a token: waiting for another request's renewal, and the renewal
     */
    OidcAuthentication(Authentication kubeconfig, OidcSettings settings, Duration timeout) {
        this.kubeconfig = kubeconfig;
        this.issuer = new OidcIssuer(settings, timeout);
        this.timeout = timeout;
        this.held = new Held(settings.idToken(), settings.refreshToken());
    }

    @Override
    public void provide(ApiClient client) {
        kubeconfig.provide(client);
        client.setHttpClient(client.getHttpClient().newBuilder().addInterceptor(this).build());
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos(); // one bound for the call, a renewal after a 401 included
        String sent = token(null, deadline);
        Response response = chain.proceed(withToken(chain.request(), sent));
        if (response.code() != 401 || held.refreshToken() == null) {
            return response; // without a refresh-token, the 401 is the answer
        }
        response.close();
        return chain.proceed(withToken(chain.request(), token(sent, deadline)));
    }

    private static Request withToken(Request request, String token) {
        return request.newBuilder().header("Authorization", "Bearer " + token).build();
    }

    /** The id-token to send: the one held while it is fresh and not {@code refused}, else a renewed one. */
    private String token(String refused, long deadline) throws IOException {
        Held current = held;
        if (current.usable(refused)) {
            return current.idToken().value();
        }
        try {
            if (!renewing.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw issuer.failure("no id-token within " + GoDuration.format(timeout) + " (renewed for another"
                        + " request)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the oidc issuer " + issuer.name());
        }
        try {
            current = held;
            if (current.usable(refused)) {
                return current.idToken().value(); // another request renewed it while this one waited
            }
            if (current.refreshToken() == null) {
                throw issuer.failure((current.idToken() == null ? "the kubeconfig has no id-token"
                        : "its id-token has expired") + " and no refresh-token to get another");
            }
            OidcIssuer.Tokens renewed = issuer.refresh(current.refreshToken(), deadline);
            held = new Held(renewed.idToken(), renewed.refreshToken() != null ? renewed.refreshToken()
                    : current.refreshToken());
            return renewed.idToken().value();
        } finally {
            renewing.unlock();
        }
    }
}
