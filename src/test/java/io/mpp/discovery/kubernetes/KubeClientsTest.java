package io.mpp.discovery.kubernetes;

import static io.mpp.testing.FakeKubeApi.containerPort;
import static io.mpp.testing.FakeKubeApi.json;
import static io.mpp.testing.FakeKubeApi.list;
import static io.mpp.testing.FakeKubeApi.ok;
import static io.mpp.testing.FakeKubeApi.pod;
import static io.mpp.testing.FakeKubeApi.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.kubernetes.client.openapi.ApiClient;
import io.mpp.MppApplication;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.Endpoint;
import io.mpp.testing.Await;
import io.mpp.testing.FakeKubeApi;
import io.mpp.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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
        Duration timeout = Duration.ofSeconds(5);
        KubeClients clients = new KubeClients(kubeconfig.toString(), Map.of(), timeout, Duration.ofSeconds(1));
        ApiClient client = clients.build(timeout, timeout, timeout);
        ApiServer server = new ApiServer(client, client, NS, Duration.ofSeconds(5), clients.credentials());
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

    @Test
    void aPluginThatHangsAtTheFirstCallIsKilledAfterTheTimeoutAndNamed() throws Exception {
        Path pidFile = dir.resolve("hang.pid");
        Path hanging = hangingPlugin(pidFile);
        // Built and called off the test thread: were the plugin unbounded, either would hang for its 600 s.
        Future<Throwable> attempt = failureOf(() -> locator(kubeconfigFor(hanging)));
        assertThat(attempt.get(60, TimeUnit.SECONDS)).isInstanceOf(DiscoveryException.class)
                .hasMessage("cannot get a token for the Kubernetes API server at " + api.url() + " to list pods"
                        + " matching '" + SELECTOR + "' (MPP_KUBE_POD_LABEL_SELECTOR) in namespace '" + NS + "': the"
                        + " exec plugin " + hanging + " did not answer within 2s");
        awaitGone(pidFile);
    }

    @Test
    void aPluginThatHangsWhenItsTokenIsRenewedIsKilledAfterTheTimeout() throws Exception {
        Path hangFlag = dir.resolve("hang");
        Path pidFile = dir.resolve("hang.pid");
        Path plugin = plugin("renew.sh", """
                #!/bin/sh
                if [ -f '%s' ]; then echo $$ > '%s'; exec sleep 600; fi
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",'
                printf '"status":{"token":"exec-token-1"}}\\n'
                """.formatted(hangFlag, pidFile));
        KubernetesLocator locator = locator(kubeconfigFor(plugin));
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.1:9090");

        // The API server now refuses the token, so the next call runs the plugin again, and this time it hangs.
        Files.writeString(hangFlag, "");
        acceptTokens("Bearer exec-token-1", 1, json(401, status(401, "Unauthorized", "Unauthorized")));
        Future<Throwable> attempt = failureOf(() -> locator);
        assertThat(attempt.get(60, TimeUnit.SECONDS)).isInstanceOf(DiscoveryException.class)
                .hasMessageEndingWith(": the exec plugin " + plugin + " did not answer within 2s");
        awaitGone(pidFile);
    }

    @Test
    void stoppingMppKillsAPluginStillRunning() throws Exception {
        Path pidFile = dir.resolve("hang.pid");
        Path hanging = hangingPlugin(pidFile);
        KubernetesLocatorFactory f = factory(kubeconfigFor(hanging));
        f.setWatch(true);
        f.setTimeout(Duration.ofMinutes(5)); // far longer than this test waits: only the stop can end the plugin
        KubernetesLocatorFactory.Parts parts = background(() -> f.parts(() -> { })).get(60, TimeUnit.SECONDS);
        parts.watch().start(); // its first list runs the plugin
        Await.until(Duration.ofSeconds(30), "the plugin to run", () -> Files.exists(pidFile));
        parts.watch().stop();
        awaitGone(pidFile);
        assertThat(parts.watch().alive()).isFalse();
    }

    @Test
    void aPluginRunningWhenMppIsStoppedDuringItsStartIsKilled() throws Exception {
        // The first selection runs during start-up; nothing is there yet to interrupt its call at a stop.
        Path pidFile = dir.resolve("hang.pid");
        Path hanging = hangingPlugin(pidFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                MppApplication.class.getName(), "server", "config.yml").redirectErrorStream(true)
                .redirectOutput(dir.resolve("mpp.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("MPP_"));
        builder.environment().putAll(Map.of("MPP_KUBECONFIG", kubeconfigFor(hanging).toString(),
                "MPP_KUBE_SERVICE_NAME", "prom", "MPP_KUBE_WATCH", "false", "MPP_KUBE_TIMEOUT", "5m",
                "MPP_BIND_HOST", "127.0.0.1", "MPP_PORT", Integer.toString(FreePorts.next()),
                "MPP_ADMIN_PORT", Integer.toString(FreePorts.next())));
        Process mpp = builder.start();
        try {
            Await.until(Duration.ofSeconds(60), "the plugin to run", () -> Files.exists(pidFile));
            mpp.destroy(); // SIGTERM
            assertThat(mpp.waitFor(60, TimeUnit.SECONDS)).as("mpp ends").isTrue();
            awaitGone(pidFile);
        } finally {
            mpp.destroyForcibly();
        }
    }

    @Test
    void aPluginThatFailsIsNamedWithItsExitCodeButNotWithWhatItPrinted() throws Exception {
        Path execInfo = dir.resolve("exec-info");
        Path failing = plugin("fail.sh", """
                #!/bin/sh
                printf '%%s' "$KUBERNETES_EXEC_INFO" > '%s'
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",'
                printf '"status":{"token":"exec-token-never-shown"}}\\n'
                exit 3
                """.formatted(execInfo));
        assertThatThrownBy(() -> locator(kubeconfigFor(failing)).locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageEndingWith(": the exec plugin " + failing + " failed with exit code 3 (its error output"
                        + " goes to mpp's standard error)")
                .hasMessageNotContaining("exec-token-never-shown");
        // What client-go tells a plugin: the protocol version, and that no one can answer its questions.
        assertThat(Files.readString(execInfo)).isEqualTo("{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                + "\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}");
    }

    @Test
    void aGcpAuthProviderThatRunsACommandIsRefusedAtStartWithoutRunningIt() throws Exception {
        // The client would run it, wait a fixed 10 s whatever MPP_KUBE_TIMEOUT says, and leave it running.
        Path pidFile = dir.resolve("hang.pid");
        Path kubeconfig = api.authProviderKubeconfig("gcp", """
                access-token: expired-token
                cmd-path: %s
                cmd-args: config config-helper --format=json
                expiry: "2020-01-01T00:00:00Z"
                expiry-key: '{.credential.token_expiry}'
                token-key: '{.credential.access_token}'
                """.formatted(hangingPlugin(pidFile)));
        Future<KubernetesLocator> built = background(() -> locator(kubeconfig));
        assertThat(catchThrowable(() -> built.get(60, TimeUnit.SECONDS))).hasCauseInstanceOf(
                IllegalArgumentException.class).cause().hasMessage("MPP_KUBECONFIG " + kubeconfig + " cannot be"
                + " used: its user's auth-provider runs a command (cmd-path) for its token, which mpp cannot bound"
                + " by MPP_KUBE_TIMEOUT: use the exec plugin gke-gcloud-auth-plugin instead (kubectl dropped the gcp"
                + " auth-provider in 1.26)");
        assertThat(pidFile).as("the command never ran").doesNotExist();
    }

    @Test
    void aGcpAuthProviderWithoutACommandIsRefusedAtStartToo() throws Exception {
        // The client renews it through Google's credential library, which mpp does not include: an Error at start
        // when the token has expired, at its expiry otherwise.
        Path kubeconfig = api.authProviderKubeconfig("gcp", """
                access-token: expired-token
                expiry: "2020-01-01T00:00:00Z"
                """);
        assertThatThrownBy(() -> locator(kubeconfig)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MPP_KUBECONFIG " + kubeconfig + " cannot be used: its user's gcp auth-provider cannot"
                        + " renew its token in mpp, which does not include Google's credential library: use the exec"
                        + " plugin gke-gcloud-auth-plugin instead (kubectl dropped the gcp auth-provider in 1.26)");
    }

    @Test
    void aTokenFileThatIsGoneFailsTheListAsAnApiCallNamingTheFile() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, FakeKubeApi.TOKEN);
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.8.0.7", false, containerPort("web", 9090, "TCP")))));
        CompositeLocator composite = new CompositeLocator(List.of(locator(tokenFileKubeconfig(tokenFile))),
                Clock.systemUTC());
        assertThat(urls(composite.locate())).containsExactly("http://10.8.0.7:9090");

        Files.delete(tokenFile);
        assertThat(urls(composite.locate())).as("the last backends stay").containsExactly("http://10.8.0.7:9090");
        assertThat(composite.states().get(0).lastError()).isEqualTo("cannot get a token for the Kubernetes API"
                + " server at " + api.url() + " to list pods matching '" + SELECTOR + "' (MPP_KUBE_POD_LABEL_SELECTOR)"
                + " in namespace '" + NS + "': the kubeconfig's tokenFile " + tokenFile + " cannot be read: no such"
                + " file");
    }

    @Test
    void aTokenFileThatIsGoneFailsTheWatchAsAnApiCall() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, FakeKubeApi.TOKEN);
        Duration timeout = Duration.ofSeconds(5);
        KubeClients clients = new KubeClients(tokenFileKubeconfig(tokenFile).toString(), Map.of(), timeout);
        ApiClient client = clients.build(timeout, timeout, timeout);
        ApiServer server = new ApiServer(client, client, NS, timeout, clients.credentials());
        Pods pods = new Pods(NS, SELECTOR, PortSpec.FIRST_TCP, "http", "kubernetes:pods");
        Files.delete(tokenFile);
        try (ApiServer.Events events = server.watch(pods, "1", 5)) {
            assertThatThrownBy(events::next).isInstanceOf(ApiCallException.class)
                    .hasMessage("cannot get a token for the Kubernetes API server at " + api.url() + " to watch pods"
                            + " matching '" + SELECTOR + "' (MPP_KUBE_POD_LABEL_SELECTOR) in namespace '" + NS + "':"
                            + " the kubeconfig's tokenFile " + tokenFile + " cannot be read: no such file");
        }
    }

    @Test
    void aTokenFileThatDoesNotExistFailsEachListWithOneWarningNamingItAndIsReadOnceItAppears() throws Exception {
        Path tokenFile = dir.resolve("token");
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.8.0.7", false, containerPort("web", 9090, "TCP")))));
        ListAppender<ILoggingEvent> log = capturedLog();
        try {
            // Not fatal at start: a projected token may be mounted after mpp starts.
            CompositeLocator composite = new CompositeLocator(List.of(locator(tokenFileKubeconfig(tokenFile))),
                    Clock.systemUTC());
            for (int i = 0; i < 3; i++) {
                assertThat(composite.locate()).isEmpty();
            }
            String why = "cannot get a token for the Kubernetes API server at " + api.url() + " to list pods matching"
                    + " '" + SELECTOR + "' (MPP_KUBE_POD_LABEL_SELECTOR) in namespace '" + NS + "': the kubeconfig's"
                    + " tokenFile " + tokenFile + " cannot be read: no such file";
            assertThat(composite.states().get(0).lastError()).isEqualTo(why);
            assertThat(log.list).as("what an operator sees: one warning in mpp's words, not the client's errors")
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).asString().contains(why);

            Files.writeString(tokenFile, FakeKubeApi.TOKEN + "\n"); // as echo writes it
            assertThat(urls(composite.locate())).containsExactly("http://10.8.0.7:9090");
        } finally {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        }
    }

    @Test
    void aTokenFileIsReadAgainForEveryRequestSoThatARotatedTokenIsSentAtOnce() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, FakeKubeApi.TOKEN);
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.8.0.7", false, containerPort("web", 9090, "TCP")))));
        KubernetesLocator locator = locator(tokenFileKubeconfig(tokenFile));
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.7:9090");

        // As the kubelet rotates a projected token: the old one is refused from now on.
        Files.writeString(tokenFile, "rotated-token");
        acceptTokens("Bearer rotated-token", 1, ok(list("PodList", "v1", "2",
                pod("prom-1", "1", "Running", true, "10.8.0.8", false, containerPort("web", 9090, "TCP")))));
        int requests = api.wiremock().getAllServeEvents().size();
        assertThat(urls(locator.locate())).containsExactly("http://10.8.0.8:9090");
        assertThat(api.wiremock().getAllServeEvents()).as("one request, not a refused one and a retry")
                .hasSize(requests + 1);
        assertThat(lastToken()).isEqualTo("Bearer rotated-token");
    }

    @Test
    void aRelativeTokenFileIsInTheKubeconfigsDirectory() throws Exception {
        Files.writeString(dir.resolve("relative-token"), FakeKubeApi.TOKEN);
        api.pods(NS, SELECTOR, ok(list("PodList", "v1", "1",
                pod("prom-0", "1", "Running", true, "10.8.0.7", false, containerPort("web", 9090, "TCP")))));
        assertThat(urls(locator(tokenFileKubeconfig(Path.of("relative-token"))).locate()))
                .containsExactly("http://10.8.0.7:9090");
    }

    @Test
    void aTokenFileThatCannotBeUsedIsNamedWithoutWhatItHolds() throws Exception {
        Path twoLines = dir.resolve("two-lines");
        Files.writeString(twoLines, FakeKubeApi.TOKEN + "\nsecond-line-secret\n");
        assertThatThrownBy(() -> locator(tokenFileKubeconfig(twoLines)).locate())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageEndingWith(": the kubeconfig's tokenFile " + twoLines + " does not hold a single token: it"
                        + " has a line break or another character an HTTP header cannot carry")
                .hasMessageNotContainingAny(FakeKubeApi.TOKEN, "second-line-secret");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> locator(tokenFileKubeconfig(empty)).locate())
                .hasMessageEndingWith(": the kubeconfig's tokenFile " + empty + " is empty");
        // Root reads any file; a directory is what cannot be read here.
        Path directory = Files.createDirectory(dir.resolve("token-dir"));
        assertThatThrownBy(() -> locator(tokenFileKubeconfig(directory)).locate())
                .hasMessageEndingWith(": the kubeconfig's tokenFile " + directory + " cannot be read: it is a"
                        + " directory");
        // Opened for reading, a FIFO blocks until a writer comes, out of the call timeout's reach.
        Path fifo = dir.resolve("token-fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> locator(tokenFileKubeconfig(fifo)).locate()).hasMessageEndingWith(
                ": the kubeconfig's tokenFile " + fifo + " cannot be read: not a regular file"));
        // A tokenFile that names a log or a device is not read whole.
        Path large = Files.writeString(dir.resolve("large"), "a".repeat(TokenFile.MAX_BYTES + 1));
        assertThatThrownBy(() -> locator(tokenFileKubeconfig(large)).locate())
                .hasMessageEndingWith(": the kubeconfig's tokenFile " + large + " cannot be read: larger than 64 KiB");
        assertThat(api.wiremock().getAllServeEvents()).as("no request without a token").isEmpty();
    }

    static KubernetesLocator locator(Path kubeconfig) {
        return factory(kubeconfig).parts(() -> { }).locator();
    }

    /** Pod mode through the kubeconfig, without a watch, with a timeout of 2 s. */
    static KubernetesLocatorFactory factory(Path kubeconfig) {
        KubernetesLocatorFactory f = new KubernetesLocatorFactory();
        f.setKubeconfig(kubeconfig.toString());
        f.setNamespace(NS);
        f.setPodLabelSelector(SELECTOR);
        f.setWatch(false);
        f.setTimeout(Duration.ofSeconds(2));
        return f;
    }

    /** Everything logged from now on, until detached from the root logger. */
    static ListAppender<ILoggingEvent> capturedLog() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
        return log;
    }

    static <T> Future<T> background(Callable<T> task) {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "test-background");
            thread.setDaemon(true); // a hanging call must not keep the test JVM alive
            return thread;
        });
        try {
            return executor.submit(task);
        } finally {
            executor.shutdown();
        }
    }

    /** Waits until the process whose pid the plugin wrote is gone. */
    private void awaitGone(Path pidFile) {
        Await.until(Duration.ofSeconds(10), "the plugin's process to be killed", () ->
                ProcessHandle.of(pid(pidFile)).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
    }

    private static long pid(Path pidFile) throws IOException {
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /**
     * A kubeconfig whose user is an exec plugin: a shell script printing an ExecCredential with a new token each run
     * ({@code exec-token-<run>}), which it says expires in 2 seconds. The script counts its runs in a file.
     */
    private Path execKubeconfig() throws IOException {
        return kubeconfigFor(plugin("get-token.sh", """
                #!/bin/sh
                count='%s'
                n=$(( $(cat "$count" 2>/dev/null || echo 0) + 1 ))
                echo "$n" > "$count"
                expiry=$(date -u -d '+2 seconds' +%%Y-%%m-%%dT%%H:%%M:%%SZ 2>/dev/null \\
                    || date -u -v+2S +%%Y-%%m-%%dT%%H:%%M:%%SZ)
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",'
                printf '"status":{"token":"exec-token-%%s","expirationTimestamp":"%%s"}}\\n' "$n" "$expiry"
                """.formatted(dir.resolve("runs"))));
    }

    /** How a locator, built and called off the test thread, fails; null if it does not. */
    static Future<Throwable> failureOf(Callable<KubernetesLocator> locator) {
        return background(() -> {
            try {
                locator.call().locate();
                return null;
            } catch (DiscoveryException e) {
                return e;
            }
        });
    }

    /** A plugin that writes its pid to the file and then answers nothing for 600 s. */
    private Path hangingPlugin(Path pidFile) throws IOException {
        return plugin("hang.sh", """
                #!/bin/sh
                echo $$ > '%s'
                exec sleep 600
                """.formatted(pidFile));
    }

    /** An executable shell script in the test's directory. */
    private Path plugin(String name, String script) throws IOException {
        Path plugin = dir.resolve(name);
        Files.writeString(plugin, script);
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwx------"));
        return plugin;
    }

    private Path kubeconfigFor(Path plugin) throws IOException {
        return api.kubeconfigWithUser("exec-kubeconfig-" + plugin.getFileName(), """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: %s
                  interactiveMode: Never
                """.formatted(plugin));
    }

    /** The fake API server's kubeconfig with its token in a file instead. */
    private Path tokenFileKubeconfig(Path tokenFile) throws IOException {
        Path file = dir.resolve("token-file-kubeconfig");
        Files.writeString(file, Files.readString(api.kubeconfig()).replace("token: " + FakeKubeApi.TOKEN,
                "tokenFile: " + tokenFile));
        return file;
    }

    @AfterEach
    void killLeftPlugins() throws IOException {
        Path pidFile = dir.resolve("hang.pid");
        if (Files.exists(pidFile)) {
            ProcessHandle.of(pid(pidFile)).ifPresent(ProcessHandle::destroyForcibly); // when a fix is missing
        }
    }

    private void acceptTokens(String authorization, int priority, ResponseDefinitionBuilder answer) {
        api.podsFor(NS, authorization, priority, answer);
    }

    /** How often the plugin ran. */
    private int runs() throws IOException {
        return Integer.parseInt(Files.readString(dir.resolve("runs")).strip());
    }

    /** The Authorization header of the last request the API server got. */
    private String lastToken() {
        return api.wiremock().getAllServeEvents().get(0).getRequest().getHeader("Authorization");
    }

    static List<String> urls(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::url).toList();
    }
}
