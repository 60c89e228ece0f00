package io.mpp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mpp.cli.ConfigVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** marathon.json at the root and the Dockerfile whose image it runs. */
class MarathonJsonTest {

    private static final JsonNode APP = UniversePackage.readJson(Path.of("marathon.json"));

    @Test
    void itIsAMarathonAppThatRunsMpp() {
        assertThat(MarathonAppRules.problems(APP)).isEmpty();
        assertThat(APP.path("secrets").path("serviceCredential").path("source").asText()).isNotBlank();
        assertThat(APP.path("env").path("DCOS_SERVICE_ACCOUNT_CREDENTIAL").path("secret").asText())
                .isEqualTo("serviceCredential");
        assertThat(APP.path("container").path("portMappings").path(0).path("name").asText()).isEqualTo("http");
    }

    @Test
    void itIsWhatTheUniversePackageInstallsWithItsDefaultsAndASecret() {
        JsonNode rendered = UniversePackage.render(UniversePackage.options(Map.of(
                "service.secret-name", APP.path("secrets").path("serviceCredential").path("source").asText())));
        assertThat(APP).isEqualTo(rendered);
    }

    @Test
    void theDockerfileBuildsTheImageFromTheShadedJarAndRunsTheServerWithConfigYml() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        List<String> instructions = dockerfile.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(instructions.get(0)).matches("FROM eclipse-temurin:17-jre(@sha256:[0-9a-f]{64})?");

        String copy = only(instructions, "COPY ");
        String[] parts = copy.split("\\s+");
        String destination = parts[parts.length - 1];
        assertThat(List.of(parts).subList(1, parts.length - 1)).containsExactlyInAnyOrder("target/mpp.jar",
                "config.yml");
        assertThat(destination).endsWith("/");

        String entrypoint = only(instructions, "ENTRYPOINT ");
        List<String> command = new ArrayList<>();
        UniversePackage.JSON.readTree(entrypoint.substring("ENTRYPOINT ".length())).forEach(n -> command.add(n.asText()));
        assertThat(command.get(0)).isEqualTo("java");
        int jar = command.indexOf("-jar");
        assertThat(command.subList(jar + 1, command.size()))
                .containsExactly(destination + "mpp.jar", "server", destination + "config.yml");

        ConfigVariables config = ConfigVariables.parse(Files.readString(Path.of("config.yml")));
        List<String> exposed = List.of(only(instructions, "EXPOSE ").substring("EXPOSE ".length()).split("\\s+"));
        assertThat(exposed).containsExactlyInAnyOrder(config.defaultOf("MPP_PORT"), config.defaultOf("MPP_ADMIN_PORT"));
        List<String> mapped = new ArrayList<>();
        APP.path("container").path("portMappings").forEach(p -> mapped.add(p.path("containerPort").asText()));
        assertThat(mapped).containsExactlyInAnyOrderElementsOf(exposed);
    }

    @Test
    void theDockerBuildContextHoldsWhatTheDockerfileCopies() throws Exception {
        assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("*", "!target/mpp.jar", "!config.yml");
    }

    @Test
    void marathonJsonAndThePackageRunTheSameImage() {
        String image = UniversePackage.read("resource.json").path("assets").path("container").path("docker")
                .path("mpp-docker").asText();
        assertThat(APP.path("container").path("docker").path("image").asText()).isEqualTo(image);
        Matcher tag = Pattern.compile(":([^:/]+)$").matcher(image);
        assertThat(tag.find()).isTrue();
        assertThat(tag.group(1)).isEqualTo(UniversePackage.read("package.json").path("version").asText());
    }

    private static String only(List<String> instructions, String keyword) {
        List<String> found = instructions.stream().filter(i -> i.startsWith(keyword)).toList();
        assertThat(found).as("Dockerfile %s instructions", keyword.strip()).hasSize(1);
        return found.get(0);
    }
}
