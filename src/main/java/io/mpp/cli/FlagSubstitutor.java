package io.mpp.cli;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Resolves config.yml's {@code ${MPP_X:-default}} like the {@code server} command does, except that a flag given on
 * the command line comes first: flag, else environment variable, else the default written in config.yml.
 */
public final class FlagSubstitutor extends EnvironmentVariableSubstitutor {

    public FlagSubstitutor(Map<String, String> flags, UnaryOperator<String> environment) {
        super(false);
        Map<String, String> given = Map.copyOf(flags);
        setVariableResolver(name -> given.containsKey(name) ? given.get(name) : environment.apply(name));
    }
}
