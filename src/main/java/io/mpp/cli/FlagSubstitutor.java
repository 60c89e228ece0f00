package io.mpp.cli;

import io.mpp.config.QuotingSubstitutor;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Resolves config.yml's {@code ${MPP_X:-default}} like the {@code server} command does, except that a flag given on
 * the command line comes first: flag, else environment variable, else the default written in config.yml.
 */
public final class FlagSubstitutor extends QuotingSubstitutor {

    public FlagSubstitutor(Map<String, String> flags, UnaryOperator<String> environment) {
        super(flagThenEnvironment(Map.copyOf(flags), environment));
    }

    private static UnaryOperator<String> flagThenEnvironment(Map<String, String> flags, UnaryOperator<String> env) {
        return name -> flags.containsKey(name) ? flags.get(name) : env.apply(name);
    }
}
