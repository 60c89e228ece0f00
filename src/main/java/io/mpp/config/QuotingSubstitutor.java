package io.mpp.config;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import java.util.function.UnaryOperator;
import org.apache.commons.text.TextStringBuilder;

/**
 * Resolves config.yml's {@code ${VAR:-default}} and inserts each value as a YAML double-quoted string. Values are
 * whatever an operator put in a variable: a DC/OS secret is JSON (read as a YAML mapping if pasted bare), a path may
 * start with {@code !} or hold {@code #}, a secret may span lines. Quoted, each stays one string value; a value is
 * never substituted again, so a {@code ${} inside a secret stays as it is. config.yml writes its variables bare.
 */
public class QuotingSubstitutor extends EnvironmentVariableSubstitutor {

    public QuotingSubstitutor(UnaryOperator<String> variables) {
        super(false);
        setVariableResolver(variables::apply);
        setDisableSubstitutionInValues(true);
    }

    public static QuotingSubstitutor ofEnvironment() {
        return new QuotingSubstitutor(System::getenv);
    }

    @Override
    protected String resolveVariable(String variableName, TextStringBuilder buf, int startPos, int endPos) {
        String value = super.resolveVariable(variableName, buf, startPos, endPos);
        return value == null ? null : quote(value);
    }

    /** A YAML double-quoted scalar; JSON's escapes are valid YAML escapes. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
