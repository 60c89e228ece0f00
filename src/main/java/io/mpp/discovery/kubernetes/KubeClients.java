package io.mpp.discovery.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import io.kubernetes.client.util.credentials.Authentication;
import io.kubernetes.client.util.credentials.ClientCertificateAuthentication;
import io.kubernetes.client.util.credentials.KubeconfigAuthentication;
import io.kubernetes.client.util.credentials.RefreshAuthentication;
import io.kubernetes.client.util.credentials.UsernamePasswordAuthentication;
import io.mpp.util.PeerText;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Builds the official client from a kubeconfig file ({@code MPP_KUBECONFIG}) or, when none is given, from the
 * in-cluster service account, with timeouts on every call (the client's own default is to wait forever).
 */
final class KubeClients {

    /**
     * How long a token from a kubeconfig's exec plugin is used before it is fetched again, sooner when the plugin
     * says its token expires sooner. A 401 also fetches a new one at once (see {@link RenewOnRefusal} and
     * {@link ExecPluginAuthentication}). A tokenFile is read for every request ({@link TokenFile}); an oidc
     * id-token is used until it expires ({@link OidcAuthentication}).
     */
    static final Duration TOKEN_REFRESH = Duration.ofMinutes(1);

    private final String kubeconfig;
    private final Map<String, String> env;
    private final Duration timeout;
    private final Duration tokenRefresh;
    /** The exec plugin's token, shared by every client built here; null until needed. */
    private ExecPluginAuthentication execAuthentication;
    /** The oidc auth-provider's tokens, shared by every client built here; null until needed. */
    private OidcAuthentication oidcAuthentication;
    /** Where the clients built here get their token, for messages; empty before the first build. */
    private String credentials = "";

    /** @param timeout {@code MPP_KUBE_TIMEOUT}, which bounds a run of a kubeconfig's exec plugin too */
    KubeClients(String kubeconfig, Map<String, String> env, Duration timeout) {
        this(kubeconfig, env, timeout, TOKEN_REFRESH);
    }

    /** @param tokenRefresh whole seconds, at least one (the client counts in seconds; zero would mean always) */
    KubeClients(String kubeconfig, Map<String, String> env, Duration timeout, Duration tokenRefresh) {
        this.kubeconfig = kubeconfig;
        this.env = env;
        this.timeout = timeout;
        this.tokenRefresh = tokenRefresh;
    }

    /**
     * @param connect   bound on connecting
     * @param read      bound on each wait for data
     * @param wholeCall bound on the whole call, answer included
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    ApiClient build(Duration connect, Duration read, Duration wholeCall) {
        ApiClient client = kubeconfig.isEmpty() ? inCluster() : fromFile(Path.of(kubeconfig));
        // newBuilder keeps the interceptors, the credentials' among them.
        client.setHttpClient(client.getHttpClient().newBuilder()
                .connectTimeout(connect)
                .readTimeout(read)
                .writeTimeout(read)
                .callTimeout(wholeCall)
                .build());
        return client;
    }

    /**
     * Where the built clients get their token, for a message saying it cannot be had: e.g. {@code the kubeconfig's
     * tokenFile /var/run/token}, {@code the service account token /var/run/secrets/...}. Known once built.
     */
    String credentials() {
        return credentials;
    }

    private ApiClient fromFile(Path path) {
        KubeConfig config;
        String server;
        Map<?, ?> user;
        Object exec;
        Object tokenFile;
        Object oidc;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            config = KubeConfig.loadKubeConfig(reader);
            config.setFile(path.toAbsolutePath().toFile()); // relative certificate paths are relative to the file
            server = config.getServer();
            user = currentUser(config);
            // Taken from the client, which would run the plugin without any bound, at start and at every refresh.
            // The configuration's current user is this very map, so the client no longer sees the plugin.
            exec = user == null ? null : user.remove("exec");
            // Taken from the client too, which fails badly on a file it cannot read (see TokenFile).
            tokenFile = user == null ? null : user.remove("tokenFile");
            // Taken from the client too, which renews an expired id-token without any bound (see OidcAuthentication).
            oidc = user != null && user.get("auth-provider") instanceof Map<?, ?> provider
                    && "oidc".equals(provider.get("name")) ? user.remove("auth-provider") : null;
        } catch (IOException | RuntimeException e) {
            throw unusable(path, e);
        }
        if (server == null || server.isBlank()) {
            throw new IllegalArgumentException("MPP_KUBECONFIG " + path + ": its current context ('"
                    + config.getCurrentContext() + "') names no cluster with a server URL");
        }
        credentials = credentialSource(user, oidc, exec, tokenFile);
        ExecPlugin plugin;
        OidcSettings oidcSettings;
        try {
            AuthProviders.check(user);
            oidcSettings = oidc instanceof Map<?, ?> provider
                    ? OidcSettings.of(provider.get("config") instanceof Map<?, ?> entries ? entries : Map.of()) : null;
            plugin = exec == null ? null : ExecPlugin.of(exec, path, timeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MPP_KUBECONFIG " + path + " cannot be used: " + e.getMessage(), e);
        }
        try {
            // Without a refresh period the client fetches a token once and sends it for ever, long after it expired.
            ClientBuilder builder = ClientBuilder.kubeconfig(config, tokenRefresh);
            if (oidcSettings != null) { // the client's order: an auth-provider before an exec plugin
                if (oidcAuthentication == null) {
                    oidcAuthentication = new OidcAuthentication(builder.getAuthentication(), oidcSettings, timeout);
                }
                builder.setAuthentication(oidcAuthentication);
            } else if (plugin != null) {
                if (execAuthentication == null) {
                    execAuthentication = new ExecPluginAuthentication(builder.getAuthentication(), plugin,
                            tokenRefresh);
                }
                builder.setAuthentication(execAuthentication);
            } else if (tokenFile != null && sendsNothing(builder.getAuthentication())) {
                // Relative to the kubeconfig's directory, as kubectl has it (the client took the working directory).
                builder.setAuthentication(new TokenFile(path.toAbsolutePath().resolveSibling(
                        String.valueOf(tokenFile))));
            }
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

    /**
     * Whether the client found nothing else of the user's to send, so that it would have sent the tokenFile's token:
     * the client prefers a client certificate, a username and password, an auth-provider and a token.
     */
    private static boolean sendsNothing(Authentication auth) {
        return auth instanceof KubeconfigAuthentication kubeconfig
                && Stream.of(ClientCertificateAuthentication.class, UsernamePasswordAuthentication.class,
                        AccessTokenAuthentication.class, RefreshAuthentication.class)
                .noneMatch(kind -> kind.isInstance(kubeconfig.getDelegateAuthentication()));
    }

    /** The current context's user entry, the map the client reads too; null when there is none. */
    private static Map<?, ?> currentUser(KubeConfig config) {
        Map<?, ?> context = named(config.getContexts(), config.getCurrentContext(), "context");
        return context != null && context.get("user") instanceof String name
                ? named(config.getUsers(), name, "user") : null;
    }

    /** The kubeconfig user's entry the client takes its token from, in the client's order. */
    private static String credentialSource(Map<?, ?> user, Object oidc, Object exec, Object tokenFile) {
        if (oidc != null) {
            return "the kubeconfig's auth-provider oidc";
        }
        if (user != null && user.get("auth-provider") instanceof Map<?, ?> provider) {
            return "the kubeconfig's auth-provider " + PeerText.oneLine(String.valueOf(provider.get("name")), 60);
        }
        if (exec instanceof Map<?, ?> plugin) {
            return "the kubeconfig's exec plugin " + PeerText.oneLine(String.valueOf(plugin.get("command")), 200);
        }
        if (user != null && user.get("token") != null) {
            return "the kubeconfig's token";
        }
        if (tokenFile != null) {
            return "the kubeconfig's tokenFile " + PeerText.oneLine(String.valueOf(tokenFile), 200);
        }
        return "the kubeconfig's user";
    }

    /** The {@code key} entry of the item with that name in a list of the kubeconfig (as the client looks it up). */
    private static Map<?, ?> named(List<Object> items, String name, String key) {
        for (Object item : items == null || name == null ? List.of() : items) {
            if (item instanceof Map<?, ?> map && name.equals(map.get("name"))) {
                return map.get(key) instanceof Map<?, ?> entry ? entry : null;
            }
        }
        return null;
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
        credentials = "the service account token " + Config.SERVICEACCOUNT_TOKEN_PATH;
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
