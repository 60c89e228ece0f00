package io.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mpp.testing.MppProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees from the proxy command: exit codes and output of a real process. */
class ProxyProcessTest {

    @TempDir
    Path dir;

    @Test
    void versionPrintsAndExitsZero() throws Exception {
        MppProcess mpp = MppProcess.start(dir, Map.of(), "proxy", "--version");
        assertThat(mpp.awaitExit(60)).isZero();
        assertThat(mpp.output()).startsWith("mpp ");
    }

    @Test
    void helpExitsZero() throws Exception {
        MppProcess mpp = MppProcess.start(dir, Map.of(), "proxy", "-h");
        assertThat(mpp.awaitExit(60)).isZero();
        assertThat(mpp.output()).contains("--endpoints-file FILE").contains("MPP_ENDPOINTS_FILE");
    }

    @Test
    void anUnknownFlagExitsTwoNamingIt() throws Exception {
        MppProcess mpp = MppProcess.start(dir, Map.of(), "proxy", "--bogus");
        assertThat(mpp.awaitExit(60)).isEqualTo(2);
        assertThat(mpp.output().lines().findFirst()).contains("unrecognized arguments: '--bogus'");
        assertThat(mpp.output()).doesNotContain("\tat ");
    }

    @Test
    void aBadValueExitsTwoNamingTheFlag() throws Exception {
        MppProcess mpp = MppProcess.start(dir, Map.of(), "proxy", "--port", "70000");
        assertThat(mpp.awaitExit(60)).isEqualTo(2);
        assertThat(mpp.output().lines().findFirst()).contains("--port: '70000' is not a TCP port (0 to 65535)");
    }

    @Test
    void theOriginalsSingleDashFlagsReachTheCommand() throws Exception {
        MppProcess mpp = MppProcess.start(dir, Map.of(), "proxy", "-endpoints-file", "/x", "-port=70000");
        assertThat(mpp.awaitExit(60)).isEqualTo(2);
        assertThat(mpp.output().lines().findFirst()).contains("--port: '70000' is not a TCP port (0 to 65535)");
    }

    @Test
    void aBadVariableIsAConfigurationErrorNamingTheSettingWithoutATrace() throws Exception {
        MppProcess mpp = MppProcess.start(dir, Map.of("MPP_PORT", "http"), "proxy", "--endpoints-file", "/x");
        assertThat(mpp.awaitExit(60)).isEqualTo(1);
        assertThat(mpp.output()).contains("mpp: cannot start: config.yml has an error")
                .contains("server.applicationConnectors.[0].port").doesNotContain("\tat ");
    }

    @Test
    void aBindHostThatIsNoAddressIsAConfigurationErrorNotAStackTraceAtBind() throws Exception {
        MppProcess mpp = MppProcess.start(dir, Map.of("MPP_BIND_HOST", "999.1.1.1"), "proxy", "--endpoints-file",
                "/x");
        assertThat(mpp.awaitExit(60)).isEqualTo(1);
        assertThat(mpp.output()).contains("mpp: cannot start: config.yml has an error")
                .contains("bindHost; '999.1.1.1' is neither an IP address nor a host name; MPP_BIND_HOST takes")
                .doesNotContain("\tat ");
    }

    /** Only the packaged jar has a manifest version; checked when target/mpp.jar has been built. */
    @Test
    void thePackagedJarPrintsItsManifestVersion() throws Exception {
        Path jar = Path.of("target", "mpp.jar");
        // mvn test runs before package: only a jar built from the current classes says anything.
        assumeTrue(Files.exists(jar) && Files.getLastModifiedTime(jar).compareTo(
                Files.getLastModifiedTime(Path.of("target", "classes", "io", "mpp", "cli", "ProxyCommand.class"))) > 0,
                "target/mpp.jar is missing or older than the classes (mvn package)");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "proxy", "--version").redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .isEqualTo("mpp " + pomVersion());
    }

    private static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        int artifact = pom.indexOf("<artifactId>mpp</artifactId>");
        int start = pom.indexOf("<version>", artifact) + "<version>".length();
        return pom.substring(start, pom.indexOf("</version>", start));
    }
}
