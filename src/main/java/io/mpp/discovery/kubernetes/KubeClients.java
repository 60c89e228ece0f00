package io.mpp.discovery.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.KubeconfigAuthentication;
import io.kubernetes.client.util.credentials.RefreshAuthentication;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Builds the official client from a kubeconfig file ({@code MPP_KUBECONFIG}) or, when none is given, from the
 * in-cluster service account, with timeouts on every call (the client's own default is to wait forever).
 */
final class KubeClients {

    /**
     * How long a token from a kubeconfig (exec plugin, token file, auth provider) is used before it is fetched
     * again. The client ignores the expiry an exec plugin states, so this must be shorter than the shortest token
     * lifetime in use (EKS: 15 minutes); a 401 also fetches a new one at once (see {@link RenewOnRefusal}).
     */
    static final Duration TOKEN_REFRESH = Duration.ofMinutes(1);

    private final String kubeconfig;
    private final Map<String, String> env;
    private final Duration tokenRefresh;

    KubeClients(String kubeconfig, Map<String, String> env) {
        this(kubeconfig, env, TOKEN_REFRESH);
    }

    /** @param tokenRefresh whole seconds, at least one (the client counts in seconds; zero would mean always) */
    KubeClients(String kubeconfig, Map<String, String> env, Duration tokenRefresh) {
        this.kubeconfig = kubeconfig;
        this.env = env;
        this.tokenRefresh = tokenRefresh;
    }

    /**
     * @param connect   bound on connecting
     * @param read      bound on each wait for data
     * @param wholeCall bound on the whole call, answer included
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    ApiClient build(Duration connect, Duration read, Duration wholeCall) {
        ApiClient client = kubeconfig.isEmpty() ? inCluster() : fromFile(Path.of(kubeconfig), tokenRefresh);
        // newBuilder keeps the interceptors, the credentials' among them.
        client.setHttpClient(client.getHttpClient().newBuilder()
                .connectTimeout(connect)
                .readTimeout(read)
                .writeTimeout(read)
                .callTimeout(wholeCall)
                .build());
        return client;
    }

    private static ApiClient fromFile(Path path, Duration tokenRefresh) {
        KubeConfig config;
        String server;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            config = KubeConfig.loadKubeConfig(reader);
            config.setFile(path.toAbsolutePath().toFile()); // relative certificate paths are relative to the file
            server = config.getServer();
        } catch (IOException | RuntimeException e) {
            throw unusable(path, e);
        }
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("MPP_KUBECONFIG " + path + ": its current context ('"
                    + config.getCurrentContext() + "') names no cluster with a server URL");
        }
        try {
            // Without a refresh period the client fetches a token once (an exec plugin runs once) and sends it
            // for ever, long after it expired.
            ClientBuilder builder = ClientBuilder.kubeconfig(config, tokenRefresh);
            ApiClient client = builder.build();
            if (builder.getAuthentication() instanceof KubeconfigAuthentication auth
                    && auth.getDelegateAuthentication() instanceof RefreshAuthentication refreshing) {
                OkHttpClient.Builder http = client.getHttpClient().newBuilder();
                http.interceptors().add(0, new RenewOnRefusal(refreshing)); // outside the one adding the token
                client.setHttpClient(http.build());
            }
            return client;
        } catch (IOException | RuntimeException e) {
            // The client's credential code throws unchecked exceptions for malformed certificates and keys.
            throw unusable(path, e);
        }
    }

    private static IllegalArgumentException unusable(Path path, Exception e) {
        return new IllegalArgumentException("MPP_KUBECONFIG " + path + " cannot be used: "
                + KubeconfigFailure.describe(path, e));
    }

    private ApiClient inCluster() {
        if (isBlank(env.get("KUBERNETES_SERVICE_HOST")) || isBlank(env.get("KUBERNETES_SERVICE_PORT"))) {
            throw new IllegalArgumentException("MPP_KUBECONFIG is empty, so mpp uses the in-cluster configuration,"
                    + " but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set: outside a pod, set"
                    + " MPP_KUBECONFIG to a kubeconfig file");
        }
        try {
            return ClientBuilder.cluster().build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("MPP_KUBECONFIG is empty, so mpp uses the in-cluster configuration,"
                    + " which cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "): is a"
                    + " service account token mounted at " + new File("/var/run/secrets/kubernetes.io/serviceaccount")
                    + "?");
        }
    }

    /**
     * When the API server refuses a token (401), fetches a new one and sends the request once more: a token can be
     * revoked or expire before the refresh period is over. A token that does not change is simply refused twice.
     */
    private record RenewOnRefusal(RefreshAuthentication credentials) implements Interceptor {

        @Override
        public Response intercept(Chain chain) throws IOException {
            Response response = chain.proceed(chain.request());
            if (response.code() != 401) {
                return response;
            }
            response.close();
            credentials.setExpiry(Instant.MIN); // the next request (the one below) runs the plugin again
            return chain.proceed(chain.request());
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
