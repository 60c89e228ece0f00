package io.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.mpp.MppApplication;
import io.mpp.MppConfiguration;
import io.mpp.discovery.FileLocatorFactory;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The proxy command's flags, their checks, and flag > variable > default, with an injected environment. */
class ProxyCommandTest {

    private final Map<String, String> env = new HashMap<>();
    private final MppApplication application = new MppApplication();

    private ProxyCommand command() {
        return command(ConfigVariables.bundled());
    }

    private ProxyCommand command(ConfigVariables config) {
        return new ProxyCommand(application, env::get, config);
    }

    /** Parses like Dropwizard's Cli does: the command configures a subparser named proxy. */
    private static Map<String, String> parse(ProxyCommand command, String... flags) throws ArgumentParserException {
        ArgumentParser parser = ArgumentParsers.newFor("mpp").addHelp(false).build();
        Subparser subparser = parser.addSubparsers().addParser("proxy", false);
        command.configure(subparser);
        List<String> args = new ArrayList<>(List.of("proxy"));
        args.addAll(List.of(flags));
        Namespace namespace = parser.parseArgs(args.toArray(String[]::new));
        return ProxyFlags.given(namespace, command.flags());
    }

    private MppConfiguration configuration(String... flags) throws Exception {
        ProxyCommand command = command();
        return new YamlConfigurationFactory<>(MppConfiguration.class, Validators.newValidator(),
                Jackson.newObjectMapper(), "dw").build(command.configurationSource(parse(command, flags)),
                ConfigVariables.BUNDLED);
    }

    /** The original's table (REFERENCE section 1), written out here so a missing flag fails this test. */
    static Stream<Arguments> originalFlags() {
        return Stream.of(
                Arguments.of(List.of("--kubeconfig", "/etc/kube/config"), "MPP_KUBECONFIG", "/etc/kube/config"),
                Arguments.of(List.of("--kube-service-name", "prometheus"), "MPP_KUBE_SERVICE_NAME", "prometheus"),
                Arguments.of(List.of("--kube-pod-label-selector", "app=prometheus,tier in (a,b)"),
                        "MPP_KUBE_POD_LABEL_SELECTOR", "app=prometheus,tier in (a,b)"),
                Arguments.of(List.of("--kube-namespace", "monitoring"), "MPP_KUBE_NAMESPACE", "monitoring"),
                Arguments.of(List.of("--kube-port", "web"), "MPP_KUBE_PORT", "web"),
                Arguments.of(List.of("--kube-port", "9090"), "MPP_KUBE_PORT", "9090"),
                Arguments.of(List.of("--marathon-url", "http://m1:8080,https://m2:8443/marathon"),
                        "MPP_MARATHON_URL", "http://m1:8080,https://m2:8443/marathon"),
                Arguments.of(List.of("--marathon-apps", "/monitoring/prometheus-a,/prometheus-b"),
                        "MPP_MARATHON_APPS", "/monitoring/prometheus-a,/prometheus-b"),
                Arguments.of(List.of("--insecure-certs"), "MPP_INSECURE_CERTS", "true"),
                Arguments.of(List.of("-k"), "MPP_INSECURE_CERTS", "true"),
                Arguments.of(List.of("--insecure-certs=false"), "MPP_INSECURE_CERTS", "false"),
                Arguments.of(List.of("--marathon-principal-secret", "{\"uid\":\"mpp\",\"private_key\":\"k\"}"),
                        "MPP_MARATHON_PRINCIPAL_SECRET", "{\"uid\":\"mpp\",\"private_key\":\"k\"}"),
                Arguments.of(List.of("--marathon-auth-endpoint", "https://leader.mesos/acs/api/v1/auth/login"),
                        "MPP_MARATHON_AUTH_ENDPOINT", "https://leader.mesos/acs/api/v1/auth/login"),
                Arguments.of(List.of("--endpoints-file", "/etc/mpp/endpoints"), "MPP_ENDPOINTS_FILE",
                        "/etc/mpp/endpoints"),
                Arguments.of(List.of("--routing-strategy", "random"), "MPP_ROUTING_STRATEGY", "random"),
                Arguments.of(List.of("--selection-interval", "1m30s"), "MPP_SELECTION_INTERVAL", "1m30s"),
                Arguments.of(List.of("--affinity-options", "cookies,sourceip"), "MPP_AFFINITY_OPTIONS",
                        "cookies,sourceip"),
                Arguments.of(List.of("--affinity-options="), "MPP_AFFINITY_OPTIONS", ""),
                Arguments.of(List.of("--port", "9191"), "MPP_PORT", "9191"),
                Arguments.of(List.of("--verbose"), "MPP_VERBOSE", "true"),
                Arguments.of(List.of("-V"), "MPP_VERBOSE", "true"),
                Arguments.of(List.of("--admin-port", "8181"), "MPP_ADMIN_PORT", "8181"),
                Arguments.of(List.of("--bind-host", "127.0.0.1"), "MPP_BIND_HOST", "127.0.0.1"),
                Arguments.of(List.of("--bind-host", " ::1 "), "MPP_BIND_HOST", "::1"),
                Arguments.of(List.of("--shutdown-grace-period", "20s"), "MPP_SHUTDOWN_GRACE_PERIOD", "20s"));
    }

    @ParameterizedTest
    @MethodSource("originalFlags")
    void everyFlagSetsItsVariable(List<String> flags, String variable, String value) throws Exception {
        assertThat(parse(command(), flags.toArray(String[]::new))).containsExactly(Map.entry(variable, value));
    }

    @Test
    void allFlagsTogether() throws Exception {
        List<String> all = new ArrayList<>();
        originalFlags().forEach(a -> all.addAll((List<String>) a.get()[0]));
        Map<String, String> given = parse(command(), all.toArray(String[]::new));
        // later spellings of the same flag win, as with the original
        assertThat(given).containsEntry("MPP_KUBE_PORT", "9090").containsEntry("MPP_INSECURE_CERTS", "false")
                .containsEntry("MPP_VERBOSE", "true").hasSize(19);
    }

    /** Parses as the application does: the original's single-dash spellings first made double-dash. */
    private static Map<String, String> parseGoStyle(ProxyCommand command, String... flags)
            throws ArgumentParserException {
        List<String> args = new ArrayList<>(List.of("proxy"));
        args.addAll(List.of(flags));
        String[] rewritten = GoFlagSpellings.rewrite(args.toArray(String[]::new), command.flags());
        return parse(command, List.of(rewritten).subList(1, rewritten.length).toArray(String[]::new));
    }

    @Test
    void theOriginalsSingleDashSpellingsOfLongFlagsAreTaken() throws Exception {
        assertThat(parseGoStyle(command(), "-bind-host", "127.0.0.1", "-port", "19095", "-endpoints-file", "f"))
                .isEqualTo(Map.of("MPP_PORT", "19095", "MPP_ENDPOINTS_FILE", "f", "MPP_BIND_HOST", "127.0.0.1"));
        assertThat(parseGoStyle(command(), "-endpoints-file=f", "-insecure-certs", "-verbose=false",
                "-max-retries", "3")).isEqualTo(Map.of("MPP_INSECURE_CERTS", "true", "MPP_ENDPOINTS_FILE", "f",
                "MPP_VERBOSE", "false", "MPP_MAX_RETRIES", "3"));
        // Short flags keep their meaning.
        assertThat(parseGoStyle(command(), "-k", "-V=false")).isEqualTo(
                Map.of("MPP_INSECURE_CERTS", "true", "MPP_VERBOSE", "false"));
        assertThatThrownBy(() -> parseGoStyle(command(), "-port", "70000"))
                .hasMessageStartingWith("--port: '70000' is not a TCP port");
    }

    @Test
    void aValueIsNeverTakenForAFlagWhateverItLooksLike() throws Exception {
        String key = "-port-" + "k".repeat(40);
        assertThat(parseGoStyle(command(), "--affinity-key", key, "-endpoints-file", "-port"))
                .isEqualTo(Map.of("MPP_ENDPOINTS_FILE", "-port", "MPP_AFFINITY_KEY", key));
        assertThat(GoFlagSpellings.rewrite(new String[] {"proxy", "-endpoints-file", "f", "--", "-port"},
                command().flags())).containsExactly("proxy", "--endpoints-file", "f", "--", "-port");
        assertThat(GoFlagSpellings.rewrite(new String[] {"server", "-port"})).containsExactly("server", "-port");
        assertThatThrownBy(() -> parseGoStyle(command(), "-bind-hosts", "x"))
                .as("only known names").hasMessageContaining("unrecognized arguments: '--bind-hosts'");
    }

    @Test
    void anUnknownSingleDashNameIsNeverReadAsShortFlags() {
        // Each starts with a short flag's letter (-k, -V, -v, -h); Go's flag package refuses them by name.
        for (String unknown : List.of("-kube-context", "-kV", "-ktrue", "-verbosity", "-version-info", "-hosts")) {
            assertThatThrownBy(() -> parseGoStyle(command(), unknown, "x")).as(unknown)
                    .hasMessageContaining("unrecognized arguments: '-" + unknown + "'");
        }
    }

    @Test
    void withoutFlagOrVariableTheDefaultsOfConfigYmlApply() throws Exception {
        MppConfiguration config = configuration();
        assertThat(config.getSelection().getInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(connector(config).getPort()).isEqualTo(9090);
        assertThat(config.isVerbose()).isFalse();
        assertThat(server(config).getShutdownGracePeriod().toSeconds()).isEqualTo(15);
    }

    @Test
    void aVariableBeatsTheDefault() throws Exception {
        env.put("MPP_SELECTION_INTERVAL", "3s");
        env.put("MPP_PORT", "9292");
        env.put("MPP_VERBOSE", "true");
        env.put("MPP_ENDPOINTS_FILE", "/from/env");
        MppConfiguration config = configuration();
        assertThat(config.getSelection().getInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(connector(config).getPort()).isEqualTo(9292);
        assertThat(config.isVerbose()).isTrue();
        assertThat(((FileLocatorFactory) config.getLocators().get(0)).getPath()).isEqualTo("/from/env");
    }

    @Test
    void aFlagBeatsTheVariable() throws Exception {
        env.put("MPP_SELECTION_INTERVAL", "3s");
        env.put("MPP_PORT", "9292");
        env.put("MPP_VERBOSE", "true");
        env.put("MPP_ENDPOINTS_FILE", "/from/env");
        env.put("MPP_SHUTDOWN_GRACE_PERIOD", "40s");
        MppConfiguration config = configuration("--selection-interval", "5s", "--port", "9393", "-V=false",
                "--endpoints-file", "/from/flag", "--shutdown-grace-period", "2s", "--bind-host", "127.0.0.2");
        assertThat(config.getSelection().getInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(connector(config).getPort()).isEqualTo(9393);
        assertThat(connector(config).getBindHost()).isEqualTo("127.0.0.2");
        assertThat(config.isVerbose()).isFalse();
        assertThat(((FileLocatorFactory) config.getLocators().get(0)).getPath()).isEqualTo("/from/flag");
        assertThat(server(config).getShutdownGracePeriod().toSeconds()).isEqualTo(2);
    }

    @Test
    void anEmptyFlagBeatsTheVariableToo() throws Exception {
        env.put("MPP_ENDPOINTS_FILE", "/from/env");
        MppConfiguration config = configuration("--endpoints-file=");
        assertThat(((FileLocatorFactory) config.getLocators().get(0)).getPath()).isEmpty();
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(List.of("--port", "70000"), "--port: '70000' is not a TCP port (0 to 65535)"),
                Arguments.of(List.of("--port", "http"), "--port: 'http' is not a TCP port"),
                Arguments.of(List.of("--admin-port", "-1"), "--admin-port: '-1' is not a TCP port"),
                Arguments.of(List.of("--bind-host", "999.1.1.1"), "--bind-host: '999.1.1.1' is neither an IP address"
                        + " nor a host name; MPP_BIND_HOST takes"),
                Arguments.of(List.of("--selection-interval", "10"), "--selection-interval: '10' is not a duration"),
                Arguments.of(List.of("--probe-timeout", "fast"), "--probe-timeout: 'fast' is not a duration"),
                Arguments.of(List.of("--shutdown-grace-period", "soon"), "--shutdown-grace-period: 'soon' is not"),
                Arguments.of(List.of("--routing-strategy", "fastest"), "--routing-strategy: unknown routing"
                        + " strategy 'fastest'; accepted: "),
                Arguments.of(List.of("--affinity-options", "cookies,session"), "--affinity-options: unknown"
                        + " affinity option 'session'"),
                Arguments.of(List.of("--marathon-url", "marathon.mesos:8080"), "--marathon-url: 'marathon.mesos:8080'"
                        + " is not an http:// or https:// URL"),
                Arguments.of(List.of("--marathon-url", "http://m1:8080,ftp://m2"), "--marathon-url: 'ftp://m2'"),
                // A password with a character a URL cannot hold: the message shows where, never the password.
                Arguments.of(List.of("--marathon-url", "http://admin:TOP%SECRET@m1:8080"), "--marathon-url:"
                        + " 'http://***@m1:8080' is not an http"),
                Arguments.of(List.of("--marathon-auth-endpoint", "leader.mesos"), "--marathon-auth-endpoint:"
                        + " 'leader.mesos' is not an http"),
                Arguments.of(List.of("--marathon-apps", "/Prometheus A"), "--marathon-apps: '/Prometheus A' is not"
                        + " a Marathon app ID"),
                Arguments.of(List.of("--kube-port=-web"), "--kube-port: '-web' is neither a port number nor"),
                Arguments.of(List.of("--kube-port", "99999"), "--kube-port: '99999' is not a TCP port (1 to 65535)"),
                // A listener's 0 (any port) is no Kubernetes port: the locator would refuse it at start.
                Arguments.of(List.of("--kube-port", "0"), "--kube-port: '0' is not a TCP port (1 to 65535)"),
                Arguments.of(List.of("--kube-namespace", "Monitoring"), "--kube-namespace: 'Monitoring' is not a"
                        + " Kubernetes name"),
                // A namespace may start with a digit, a service may not: the flag refuses what mpp would at start.
                Arguments.of(List.of("--kube-service-name", "1prom"), "--kube-service-name: '1prom' is not a"
                        + " Kubernetes service name (up to 63 lowercase letters, digits and '-', starting with a letter"
                        + " and ending with a letter or digit)"),
                Arguments.of(List.of("--insecure-certs=maybe"), "--insecure-certs: 'maybe' is not a boolean"),
                Arguments.of(List.of("-V", "yes"), "--verbose: 'yes' is not a boolean"),
                Arguments.of(List.of("--marathon-principal-secret", "{\"private_key\": \"TOPSECRET\""),
                        "--marathon-principal-secret: the value is not valid JSON at line 1"),
                Arguments.of(List.of("--marathon-principal-secret", "[\"TOPSECRET\"]"),
                        "--marathon-principal-secret: the value is not a JSON object"),
                Arguments.of(List.of("--marathon-principal-secret", "{\"TOPSECRET\":" + "[".repeat(1100)),
                        "--marathon-principal-secret: the value is not valid JSON (too deeply nested"),
                // Flags derived from config.yml's variables are checked too.
                Arguments.of(List.of("--max-retries", "abc"), "--max-retries: 'abc' is not a number of retries"
                        + " (0 to 10)"),
                Arguments.of(List.of("--max-retries", "11"), "--max-retries: '11' is not a number of retries"),
                Arguments.of(List.of("--retry-body-limit", "-1"), "--retry-body-limit: '-1' is not a size"),
                Arguments.of(List.of("--headers-timeout", "10"), "--headers-timeout: '10' is not a duration"),
                Arguments.of(List.of("--kube-timeout", "1h2x"), "--kube-timeout: '1h2x' is not a duration"),
                Arguments.of(List.of("--kube-watch", "yes"), "--kube-watch: 'yes' is not a boolean"),
                Arguments.of(List.of("--marathon-events", "on"), "--marathon-events: 'on' is not a boolean"),
                Arguments.of(List.of("--kube-scheme", "ftp"), "--kube-scheme: scheme 'ftp' (MPP_KUBE_SCHEME) must"
                        + " be http or https"),
                Arguments.of(List.of("--marathon-port", "web port"), "--marathon-port: MPP_MARATHON_PORT (port)"
                        + " 'web port' is neither"),
                Arguments.of(List.of("--affinity-trusted-proxies", "two"), "--affinity-trusted-proxies: 'two' is not"
                        + " a number of proxies"),
                // Below the least a setting takes: the flag is named, not config.yml's path.
                Arguments.of(List.of("--connect-timeout", "0s"), "--connect-timeout: '0s' is too short: at least 10ms"),
                Arguments.of(List.of("--idle-timeout", "5ms"), "--idle-timeout: '5ms' is too short: at least 10ms"),
                Arguments.of(List.of("--selection-interval", "50ms"), "--selection-interval: '50ms' is too short:"
                        + " at least 100ms"),
                Arguments.of(List.of("--headers-timeout", "5ms"), "--headers-timeout: '5ms' is too short"),
                Arguments.of(List.of("--kube-timeout", "0s"), "--kube-timeout: '0s' is too short: at least 100ms"),
                Arguments.of(List.of("--kube-watch-timeout", "500ms"), "--kube-watch-timeout: '500ms' is too short"),
                Arguments.of(List.of("--marathon-timeout", "0s"), "--marathon-timeout: '0s' is too short"),
                Arguments.of(List.of("--affinity-cookie-name", "a;b"), "--affinity-cookie-name: 'a;b' is not a"
                        + " cookie name"),
                // A key's message never quotes the key.
                Arguments.of(List.of("--affinity-key", "TOPSECRET-but-short"), "--affinity-key: MPP_AFFINITY_KEY is"
                        + " too short: the route cookie key needs at least 32 bytes"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueIsAUsageErrorNamingTheFlag(List<String> flags, String message) {
        assertThatThrownBy(() -> parse(command(), flags.toArray(String[]::new)))
                .isInstanceOf(ArgumentParserException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("TOPSECRET");
    }

    @Test
    void throughDropwizardsCliABadValueIsOneMessageLineAndUsageWithoutAStackTrace() {
        Run run = cli(command(), "proxy", "--selection-interval", "ten seconds");
        assertThat(run.error()).containsInstanceOf(ArgumentParserException.class);
        assertThat(run.err().lines().findFirst()).contains("--selection-interval: 'ten seconds' is not a duration"
                + " such as 500ms, 10s, 1m30s, 2h or 7d");
        assertThat(run.err()).contains("usage: ").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnknownFlagIsAUsageErrorNamingIt() {
        Run run = cli(command(), "proxy", "--port", "9090", "--kube-context", "prod");
        assertThat(run.error()).containsInstanceOf(ArgumentParserException.class);
        assertThat(run.err().lines().findFirst()).contains("unrecognized arguments: '--kube-context'");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void aFlagThisBuildsConfigIgnoresIsRefusedNotSilentlyDropped() {
        ConfigVariables withoutKubernetes = ConfigVariables.parse("port: ${MPP_PORT:-9090}\n");
        Run run = cli(command(withoutKubernetes), "proxy", "--kubeconfig", "/etc/kube/config");
        assertThat(run.error()).containsInstanceOf(UsageException.class);
        assertThat(run.err()).isEqualTo("mpp proxy: --kubeconfig is not supported by this build: its config.yml"
                + " does not use MPP_KUBECONFIG\n" + ProxyCommand.HINT + "\n");
    }

    @Test
    void marathonUrlNeedsApps() {
        ConfigVariables marathon = ConfigVariables.parse(
                "url: ${MPP_MARATHON_URL:-}\napps: ${MPP_MARATHON_APPS:-}\n");
        Run run = cli(command(marathon), "proxy", "--marathon-url", "http://marathon.mesos:8080");
        assertThat(run.error()).containsInstanceOf(UsageException.class);
        assertThat(run.err()).startsWith("mpp proxy: --marathon-url needs --marathon-apps (or MPP_MARATHON_APPS)");

        env.put("MPP_MARATHON_APPS", "/prometheus");
        command(marathon).checkGiven(Map.of("MPP_MARATHON_URL", "http://marathon.mesos:8080"));
        env.clear();
        env.put("MPP_MARATHON_URL", "http://marathon.mesos:8080");
        command(marathon).checkGiven(Map.of("MPP_MARATHON_APPS", "/prometheus"));
        assertThatThrownBy(() -> command(marathon).checkGiven(Map.of())).isInstanceOf(UsageException.class);
    }

    @Test
    void helpListsEveryFlagWithItsVariableAndDefault() {
        Run run = cli(command(), "proxy", "--help");
        assertThat(run.error()).isEmpty();
        for (Flag flag : command().flags()) {
            assertThat(run.out()).contains(flag.name()).contains(flag.variable());
        }
        assertThat(run.out()).contains("-k [BOOL], --insecure-certs [BOOL]").contains("-V [BOOL], --verbose [BOOL]")
                .contains("-v, --version").contains("-h, --help").contains("(MPP_PORT, default 9090)");
    }

    @Test
    void everyVariableOfConfigYmlHasAFlagAndNewOnesGetADerivedFlag() throws Exception {
        ConfigVariables bundled = ConfigVariables.bundled();
        List<String> covered = ProxyFlags.all(bundled).stream().map(Flag::variable).toList();
        assertThat(covered).containsAll(bundled.defaults().keySet());

        ConfigVariables withNew = ConfigVariables.parse("a: ${MPP_PORT:-9090}\nb: ${MPP_MERGE_TIMEOUT:-5s}\n");
        assertThat(parse(command(withNew), "--merge-timeout", "7s")).containsExactly(
                Map.entry("MPP_MERGE_TIMEOUT", "7s"));
        assertThatThrownBy(() -> parse(command(withNew), "--merge-timeout", "7"))
                .as("checked by its default's shape").hasMessageStartingWith("--merge-timeout: '7' is not a duration");
    }

    @Test
    void theJarCarriesTheRepositorysConfigYml() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream(ConfigVariables.BUNDLED)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(Files.readString(Path.of("config.yml")));
        }
    }

    @Test
    void configVariablesReadsDefaultsAndSkipsComments() {
        ConfigVariables vars = ConfigVariables.parse("""
                # ${MPP_COMMENTED:-x}
                port: ${MPP_PORT:-9090}
                host: ${MPP_BIND_HOST:-}
                both: ${MPP_A:-1}-${MPP_B}
                again: ${MPP_PORT:-1}
                """);
        assertThat(vars.defaults()).containsExactly(Map.entry("MPP_PORT", "9090"), Map.entry("MPP_BIND_HOST", ""),
                Map.entry("MPP_A", "1"), Map.entry("MPP_B", ""));
    }

    private static DefaultServerFactory server(MppConfiguration config) {
        return (DefaultServerFactory) config.getServerFactory();
    }

    private static HttpConnectorFactory connector(MppConfiguration config) {
        return (HttpConnectorFactory) server(config).getApplicationConnectors().get(0);
    }

    private record Run(Optional<Throwable> error, String out, String err) {
    }

    private Run cli(ProxyCommand command, String... args) {
        Bootstrap<MppConfiguration> bootstrap = new Bootstrap<>(application);
        bootstrap.addCommand(command);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Optional<Throwable> error = new Cli(new JarLocation(MppApplication.class), bootstrap, out, err).run(args);
        return new Run(error, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
