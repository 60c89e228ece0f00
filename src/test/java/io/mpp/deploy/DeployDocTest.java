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
}
