package io.mpp.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotingSubstitutorTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String roundTrip(String value) throws Exception {
        String yaml = new QuotingSubstitutor(Map.of("V", value)::get).replace("key: ${V:-fallback}\n");
        return YAML.readTree(yaml).get("key").asText();
    }

    @Test
    void aMultiLineJsonSecretStaysOneString() throws Exception {
        String secret = "{\n  \"uid\": \"mpp\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END"
                + " PRIVATE KEY-----\\n\",\n\t\"scheme\": \"RS256\"\n}\n";
        assertThat(roundTrip(secret)).isEqualTo(secret);
    }

    @Test
    void controlCharactersAndYamlSyntaxSurvive() throws Exception {
        for (String value : new String[] {"", "  spaced  ", "a: b", "- item", "&anchor", "*alias", "'single'",
                "\u0001\u007f", "100%", "ü∑", "${NOT_EXPANDED}"}) {
            assertThat(roundTrip(value)).as(value).isEqualTo(value);
        }
    }

    @Test
    void theDefaultAppliesOnlyToAnUnsetVariable() {
        assertThat(new QuotingSubstitutor(Map.<String, String>of()::get).replace("${V:-9090}")).isEqualTo("9090");
        assertThat(new QuotingSubstitutor(Map.of("V", "")::get).replace("${V:-9090}")).isEqualTo("\"\"");
    }
}
