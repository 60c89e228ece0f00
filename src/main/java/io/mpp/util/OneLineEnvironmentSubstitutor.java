package io.mpp.util;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import org.apache.commons.text.lookup.StringLookup;
import org.apache.commons.text.lookup.StringLookupFactory;

/**
 * Puts MPP_* variables into config.yml as {@link EnvironmentVariableSubstitutor} does ({@code ${NAME:-default}}),
 * with line breaks in a value turned into spaces. A value is pasted into the YAML text: a line break would end its
 * line there, and YAML's error would quote the next line, which for a pretty-printed principal secret may be the
 * private key. A secret's JSON stays the same JSON on one line.
 */
public final class OneLineEnvironmentSubstitutor extends EnvironmentVariableSubstitutor {

    public OneLineEnvironmentSubstitutor() {
        this(StringLookupFactory.INSTANCE.environmentVariableStringLookup());
    }

    /** @param variables where values come from (the environment; a map in tests) */
    public OneLineEnvironmentSubstitutor(StringLookup variables) {
        super(false);
        setVariableResolver(name -> {
            String value = variables.lookup(name);
            return value == null ? null : value.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
        });
    }
}
