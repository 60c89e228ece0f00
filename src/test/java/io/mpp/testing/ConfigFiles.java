package io.mpp.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.mpp.MppConfiguration;
import io.mpp.config.BindHost;
import io.mpp.config.EmptyScalars;
import io.mpp.config.GoBooleans;
import io.mpp.config.QuotingSubstitutor;
import java.util.Map;

/** Loads the repository's config.yml as mpp does at start, with a given set of environment variables. */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    public static MppConfiguration load(Map<String, String> environment) throws Exception {
        // The substitution mpp uses at start, over a map instead of the process environment.
        QuotingSubstitutor substitutor = new QuotingSubstitutor(environment::get);
        ObjectMapper mapper = EmptyScalars.refusedIn(GoBooleans.acceptedBy(BindHost.checkedBy(
                Jackson.newObjectMapper())));
        return new YamlConfigurationFactory<>(MppConfiguration.class, Validators.newValidator(), mapper, "dw")
                .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), substitutor),
                        "config.yml");
    }
}
