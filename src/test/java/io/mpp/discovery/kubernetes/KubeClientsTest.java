package io.mpp.discovery.kubernetes;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mpp.testing.FakeKubeApi.containerPort;
import static io.mpp.testing.FakeKubeApi.json;
import static io.mpp.testing.FakeKubeApi.list;
import static io.mpp.testing.FakeKubeApi.ok;
import static io.mpp.testing.FakeKubeApi.pod;
import static io.mpp.testing.FakeKubeApi.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.kubernetes.client.openapi.ApiClient;
import io.mpp.discovery.Endpoint;
import io.mpp.testing.Await;
import io.mpp.testing.FakeKubeApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials from a kubeconfig's exec plugin: short-lived tokens must be fetched again, both when they are old
 * and when the API server refuses them, or discovery fails with 401 for good once the first token expires.
 */
class KubeClientsTest {

    static final String NS = "monitoring";
    static final String SELECTOR = "app=prometheus";

    @TempDir
    Path dir;
    FakeKubeApi api;
    Path kubeconfig;

    @BeforeEach
    void start() throws Exception {
        api = FakeKubeApi.start(dir);
        kubeconfig = execKubeconfig();
        // Like the API server: any token the plugin issued is good, until refused below; others get the 401.
        acceptTokens("Bearer exec-token-[0-9]+", 5, ok(list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.8.0.1", false, containerPort("web", 9090, "TCP")))));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aRefusedTokenIsReplacedByANewOneFromThePlugin() throws Exception {
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        f.setKubeconfig(kubeconfig.toString());
        f.setNamespace(NS);
        f.setPodLabelSelector(SELECTOR);
        f.setWatch(false);
        KubernetesLocator locator = f.parts(() -> { }).locator();
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.1:9090");
        String first = lastToken();

        // Every token issued so far has expired: the API server refuses them, as it does expired tokens.
        int issued = runs();
        acceptTokens(IntStream.rangeClosed(1, issued).mapToObj(Integer::toString)
                .collect(Collectors.joining("|", "Bearer exec-token-(", ")")), 1,
                json(401, status(401, "Unauthorized", "Unauthorized")));

        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.1:9090");
        assertThat(lastToken()).isNotEqualTo(first).isEqualTo("Bearer exec-token-" + runs());
        assertThat(runs()).isGreaterThan(issued);
    }

    @Test
    void anOldTokenIsReplacedAfterTheRefreshPeriodWithoutWaitingForA401() throws Exception {
        ApiClient client = new KubeClients(kubeconfig.toString(), Map.of(), Duration.ofSeconds(1))
                .build(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        ApiServer server = new ApiServer(client, client, NS, Duration.ofSeconds(5));
        String name = "kubernetes:pods/" + NS + "/" + SELECTOR;
        KubernetesLocator locator = new KubernetesLocator(name,
                ObjectSource.of(server, new Pods(NS, SELECTOR, PortSpec.FIRST_TCP, "http", name)));
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.1:9090"); // the first token in use
        int issued = runs();
        String first = lastToken();
        // The stub takes every token the plugin issued, so no 401 can be what makes the plugin run again.
        Await.until(Duration.ofSeconds(30), "a request with a token the plugin issued later", () -> {
            assertThat(urls(locator.locate())).containsExactly("http://10.8.0.1:9090");
            return runs() > issued && lastToken().equals("Bearer exec-token-" + runs());
        });
        assertThat(lastToken()).isNotEqualTo(first);
    }

    /**
     * A kubeconfig whose user is an exec plugin: a shell script printing an ExecCredential with a new token each run
     * ({@code exec-token-<run>}), which it says expires in 2 seconds. The script counts its runs in a file.
     */
    private Path execKubeconfig() throws IOException {
        Path plugin = dir.resolve("get-token.sh");
        Files.writeString(plugin, """
                #!/bin/sh
                count='%s'
                n=$(( $(cat "$count" 2>/dev/null || echo 0) + 1 ))
                echo "$n" > "$count"
                expiry=$(date -u -d '+2 seconds' +%%Y-%%m-%%dT%%H:%%M:%%SZ 2>/dev/null \\
                    || date -u -v+2S +%%Y-%%m-%%dT%%H:%%M:%%SZ)
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",'
                printf '"status":{"token":"exec-token-%%s","expirationTimestamp":"%%s"}}\\n' "$n" "$expiry"
                """.formatted(dir.resolve("runs")));
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
        Path file = dir.resolve("exec-kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: %s
                users:
                - name: mpp
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: %s
                      interactiveMode: Never
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: mpp
                current-context: fake
                """.formatted(api.url(), plugin));
        return file;
    }

    private void acceptTokens(String authorization, int priority, ResponseDefinitionBuilder answer) {
        api.wiremock().stubFor(get(urlPathEqualTo(FakeKubeApi.PODS.formatted(NS)))
                .withHeader("Authorization", matching(authorization)).atPriority(priority).willReturn(answer));
    }

    /** How often the plugin ran. */
    private int runs() throws IOException {
        return Integer.parseInt(Files.readString(dir.resolve("runs")).strip());
    }

    /** The Authorization header of the last request the API server got. */
    private String lastToken() {
        return api.wiremock().getAllServeEvents().get(0).getRequest().getHeader("Authorization");
    }

    private static List<String> urls(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::url).toList();
    }
}
