package io.mpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpp.testing.ConfigFiles;
import io.mpp.testing.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mpp started as its own process: a failed start ends it with one clear line and a non-zero exit. */
class StartupFailureTest {

    @TempDir
    Path dir;

    record Exit(int code, String output) {
    }

    private Exit run(Map<String, String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-cp", System.getProperty("java.class.path"), MppApplication.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("MPP_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("mpp exits by itself").isTrue();
        return new Exit(process.exitValue(), output);
    }

    @Test
    void aPortInUseEndsTheProcessNamingThePort() throws Exception {
        Path endpoints = Files.writeString(dir.resolve("endpoints"), "http://127.0.0.1:1\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Exit exit = run(Map.of("MPP_PORT", Integer.toString(taken.getLocalPort()),
                    "MPP_ADMIN_PORT", Integer.toString(FreePorts.next()),
                    "MPP_BIND_HOST", "127.0.0.1",
                    "MPP_SELECTION_INTERVAL", "1h",
                    "MPP_PROBE_TIMEOUT", "100ms",
                    "MPP_ENDPOINTS_FILE", endpoints.toString()), "server", "config.yml");
            assertThat(exit.code()).as(exit.output()).isEqualTo(1);
            assertThat(exit.output()).contains("mpp: cannot start: Failed to bind to /127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use");
        }
    }

    @Test
    void aMissingConfigFileIsNamed() throws Exception {
        Exit exit = run(Map.of(), "server", dir.resolve("missing.yml").toString());
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output()).contains("mpp: cannot start: File " + dir.resolve("missing.yml") + " not found")
                .doesNotContain("\tat ");
    }

    @Test
    void withoutAConfigFileTheCommandAsksForOne() throws Exception {
        for (String command : new String[] {"server", "check"}) {
            Exit exit = run(Map.of(), command);
            assertThat(exit.code()).as(exit.output()).isEqualTo(2);
            assertThat(exit.output()).contains("too few arguments", command + " [-h] file")
                    .doesNotContain("duration");
        }
    }

    @Test
    void dropwizardsDurationsAndSizesSayWhatTheyAccept() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_RETRY_BODY_LIMIT", "-1")))
                .satisfies(e -> assertThat(StartupFailure.reason(e))
                        .contains("proxy.retryBodyLimit; Invalid size: -1 (a size such as 512KiB, 1MiB or 4MB)"));
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_SHUTDOWN_GRACE_PERIOD", "10")))
                .satisfies(e -> assertThat(StartupFailure.reason(e)).contains("server.shutdownGracePeriod; Invalid"
                        + " duration: 10. Wrong time unit (a number and one unit, such as 500ms, 15s or 2m)"));
    }

    @Test
    void jacksonsPathThroughMppsClassesIsLeftOut() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_ROUTING_STRATEGY", "fastest")))
                .satisfies(e -> assertThat(StartupFailure.reason(e))
                        .contains("selection.routingStrategy; unknown routing strategy 'fastest'")
                        .doesNotContain("reference chain", "io.mpp."));
    }

    @Test
    void aBadValueIsNamedWithoutAStackTrace() throws Exception {
        Exit exit = run(Map.of("MPP_SELECTION_INTERVAL", "soon"), "server", "config.yml");
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output()).contains("selection.interval", "'soon' is not a duration").doesNotContain("\tat ")
                .as("Jackson's pointer into the source").doesNotContain("[Source:", "reference chain");
    }

    @Test
    void checkNamesABadValueAsAFailedStartDoes() throws Exception {
        Exit exit = run(Map.of("MPP_SHUTDOWN_GRACE_PERIOD", "1m30s"), "check", "config.yml");
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output().strip()).isEqualTo("mpp: config.yml has an error:\n  * Failed to parse configuration"
                + " at: server.shutdownGracePeriod; Invalid duration: 1m30s. Wrong time unit (a number and one unit,"
                + " such as 500ms, 15s or 2m)");
    }

    @Test
    void aBackendCaFileThatCannotBeReadIsNamed() throws Exception {
        Path endpoints = Files.writeString(dir.resolve("endpoints"), "https://127.0.0.1:1\n");
        Path notPem = Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        Exit exit = run(Map.of("MPP_PORT", Integer.toString(FreePorts.next()),
                "MPP_ADMIN_PORT", Integer.toString(FreePorts.next()), "MPP_BIND_HOST", "127.0.0.1",
                "MPP_ENDPOINTS_FILE", endpoints.toString(), "MPP_BACKEND_CA_FILE", notPem.toString()),
                "server", "config.yml");
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output()).contains("mpp: cannot start: MPP_BACKEND_CA_FILE (proxy.caFile): " + notPem
                + " is not a PEM file of certificates").doesNotContain("\tat ");
    }

    @Test
    void twoLocatorsOfOneNameAreNamedByTheirPlaces() throws Exception {
        String file = "  - type: file\n    path: ${MPP_ENDPOINTS_FILE:-}\n";
        String yaml = Files.readString(Path.of("config.yml"));
        assertThat(yaml).contains("locators:\n" + file);
        Path config = Files.writeString(dir.resolve("config.yml"), yaml.replace("locators:\n" + file,
                "locators:\n" + file + file));
        Path endpoints = Files.writeString(dir.resolve("endpoints"), "http://127.0.0.1:1\n");
        Exit exit = run(Map.of("MPP_PORT", Integer.toString(FreePorts.next()),
                "MPP_ADMIN_PORT", Integer.toString(FreePorts.next()), "MPP_BIND_HOST", "127.0.0.1",
                "MPP_ENDPOINTS_FILE", endpoints.toString()), "server", config.toString());
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output()).contains("mpp: cannot start: locators[0] and locators[1] are both file:" + endpoints
                + ": a locator's name tells its health check, metrics and status apart; list each source of backends"
                + " once").doesNotContain("\tat ");
    }

    @Test
    void noLocatorConfiguredIsExplained() throws Exception {
        Exit exit = run(Map.of("MPP_PORT", Integer.toString(FreePorts.next()),
                "MPP_ADMIN_PORT", Integer.toString(FreePorts.next()), "MPP_BIND_HOST", "127.0.0.1"),
                "server", "config.yml");
        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.output()).contains("mpp: cannot start: no locator is configured: set MPP_ENDPOINTS_FILE");
    }
}
