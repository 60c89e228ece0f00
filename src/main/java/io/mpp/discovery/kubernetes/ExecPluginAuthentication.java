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
 * Sends the token of a kubeconfig's exec plugin with every request, through the client's authentication hook. The
 * plugin runs when a request needs a token and the last one is older than the refresh period or past the expiry
 * the plugin stated, and again when the API server refuses one (401: revoked or expired early), the request then
 * being sent once more. Getting a token takes at most {@code MPP_KUBE_TIMEOUT}, waiting for another request's run
 * of the plugin included; the failure fails the request (an {@link ExecPluginException}).
 */
final class ExecPluginAuthentication implements Authentication, Interceptor {

    private final Authentication kubeconfig;
    private final ExecPlugin plugin;
    private final Duration refresh;
    /** One run of the plugin at a time: the API calls and the watch share the token. */
    private final ReentrantLock running = new ReentrantLock();
    /** The last token the plugin issued; null before the first. */
    private volatile Issued issued;

    /**
     * @param kubeconfig what else the kubeconfig's user has (e.g. a client certificate), provided as the client would
     * @param refresh    longest use of a token; shorter when the plugin says it expires sooner
     */
    ExecPluginAuthentication(Authentication kubeconfig, ExecPlugin plugin, Duration refresh) {
        this.kubeconfig = kubeconfig;
        this.plugin = plugin;
        this.refresh = refresh;
    }

    @Override
    public void provide(ApiClient client) {
        kubeconfig.provide(client);
        client.setHttpClient(client.getHttpClient().newBuilder().addInterceptor(this).build());
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        String sent = token(null);
        Response response = chain.proceed(withToken(chain.request(), sent));
        if (response.code() != 401) {
            return response;
        }
        response.close();
        return chain.proceed(withToken(chain.request(), token(sent)));
    }

    private static Request withToken(Request request, String token) {
        return request.newBuilder().header("Authorization", "Bearer " + token).build();
    }

    /**
     * A token to send: the current one while it is good and not {@code refused}, else a new one from the plugin
     * (unless another request got one while this one waited).
     */
    private String token(String refused) throws IOException {
        long deadline = System.nanoTime() + plugin.timeout().toNanos();
        Issued current = issued;
        if (current != null && current.usable(refused)) {
            return current.token();
        }
        try {
            if (!running.tryLock(plugin.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new ExecPluginException("the exec plugin " + plugin.command() + " did not answer within "
                        + GoDuration.format(plugin.timeout()) + " (run for another request)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the exec plugin " + plugin.command());
        }
        try {
            current = issued;
            if (current != null && current.usable(refused)) {
                return current.token(); // another request got one while this one waited
            }
            ExecCredential credential = plugin.run(deadline);
            Instant latest = Instant.now().plus(refresh);
            Instant expiry = credential.expiry();
            issued = new Issued(credential.token(), expiry != null && expiry.isBefore(latest) ? expiry : latest);
            return credential.token();
        } finally {
            running.unlock();
        }
    }

    /** A token, and when to fetch another. */
    private record Issued(String token, Instant renewAt) {

        boolean usable(String refused) {
            return !token.equals(refused) && Instant.now().isBefore(renewAt);
        }

        @Override
        public String toString() {
            return "Issued[token hidden, renewAt=" + renewAt + "]";
        }
    }
}
