package io.mpp.discovery.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Builds the official client from a kubeconfig file ({@code MPP_KUBECONFIG}) or, when none is given, from the
 * in-cluster service account, with timeouts on every call (the client's own default is to wait forever).
 */
final class KubeClients {

    private final String kubeconfig;
    private final Map<String, String> env;

    KubeClients(String kubeconfig, Map<String, String> env) {
        this.kubeconfig = kubeconfig;
        this.env = env;
    }

    /**
     * @param connect   bound on connecting
     * @param read      bound on each wait for data
     * @param wholeCall bound on the whole call, answer included
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    ApiClient build(Duration connect, Duration read, Duration wholeCall) {
        ApiClient client = kubeconfig.isEmpty() ? inCluster() : fromFile(Path.of(kubeconfig));
        client.setHttpClient(client.getHttpClient().newBuilder()
                .connectTimeout(connect)
                .readTimeout(read)
                .writeTimeout(read)
                .callTimeout(wholeCall)
                .build());
        return client;
    }

    private static ApiClient fromFile(Path path) {
        String problem;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            config.setFile(path.toAbsolutePath().toFile()); // relative certificate paths are relative to the file
            if (config.getServer() == null || config.getServer().isBlank()) {
                throw new IllegalArgumentException("MPP_KUBECONFIG " + path + ": its current context ('"
                        + config.getCurrentContext() + "') names no cluster with a server URL");
            }
            return ClientBuilder.kubeconfig(config).build();
        } catch (NoSuchFileException e) {
            problem = "no such file";
        } catch (IOException e) {
            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // The client's YAML and credential code throws unchecked exceptions for malformed files.
            problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        throw new IllegalArgumentException("MPP_KUBECONFIG " + path + " cannot be used: " + problem);
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

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
