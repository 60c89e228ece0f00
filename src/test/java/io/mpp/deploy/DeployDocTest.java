package io.mpp.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpp.cli.ConfigVariables;
import io.mpp.cli.Flag;
import io.mpp.cli.ProxyFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README.md's settings table keeps up with config.yml and the proxy command's flags. */
class DeployDocTest {

    @Test
    void everySettingAndFlagHasARowWithItsVariableAndFlag() throws Exception {
        List<String> rows = Files.readAllLines(Path.of("README.md")).stream()
                .filter(line -> line.startsWith("| ")).toList();
        List<String> missing = new ArrayList<>();
        for (Flag flag : ProxyFlags.all(ConfigVariables.bundled())) {
            boolean documented = rows.stream().anyMatch(row -> row.contains("| `" + flag.variable() + "` |")
                    && row.contains("`" + flag.name() + "`")
                    && (flag.shortName() == null || row.contains("`" + flag.shortName() + "`")));
            if (!documented) {
                missing.add(flag.variable() + " (" + flag.name() + ")");
            }
        }
        assertThat(missing).as("settings without a row in README.md's settings table").isEmpty();
    }

    /**
     * MPP_KUBE_PORT means a different port in each mode, and a service's own port number, the one a reader thinks
     * of first, matches nothing: README, --help and the Universe option must all say what docs/kubernetes.md does.
     */
    @Test
    void theKubernetesPortIsDescribedAlikeEverywhere() throws Exception {
        String meaning = "service mode: the service port's name or its target port's number; pod mode: a container"
                + " port's name or number";
        String readme = Files.readAllLines(Path.of("README.md")).stream()
                .filter(line -> line.startsWith("| ") && line.contains("| `MPP_KUBE_PORT` |"))
                .findFirst().orElseThrow();
        String help = ProxyFlags.ORIGINAL.stream().filter(flag -> flag.variable().equals("MPP_KUBE_PORT"))
                .findFirst().orElseThrow().help();
        String option = UniversePackage.optionSchema("locators.kubernetes.port").path("description").asText();
        assertThat(List.of(readme, help, option)).allSatisfy(text -> assertThat(text).containsIgnoringCase(meaning));
        assertThat(Files.readString(Path.of("docs", "kubernetes.md")))
                .contains("service mode: the service port's name (`web`) or its target port's number (`9090`");
    }
}
