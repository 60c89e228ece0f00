package io.mpp.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * A switch takes Go's {@code strconv.ParseBool} spellings ({@code 1}, {@code t}, {@code TRUE}, ...), from a
 * variable as from a flag: deployments of the original set {@code MPP_INSECURE_CERTS=1}. Anything else, the empty
 * value included, is an error.
 */
public final class GoBooleans {

    private GoBooleans() {
    }

    /** The value of a spelling, or null when the text is not one. */
    public static Boolean parse(String text) {
        return switch (text.strip()) {
            case "1", "t", "T", "true", "TRUE", "True" -> Boolean.TRUE;
            case "0", "f", "F", "false", "FALSE", "False" -> Boolean.FALSE;
            default -> null;
        };
    }

    public static ObjectMapper acceptedBy(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("go-booleans");
        module.addDeserializer(boolean.class, new Spellings(boolean.class));
        module.addDeserializer(Boolean.class, new Spellings(Boolean.class));
        return mapper.registerModule(module);
    }

    private static final class Spellings extends StdScalarDeserializer<Boolean> {

        Spellings(Class<Boolean> type) {
            super(type);
        }

        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                return token == JsonToken.VALUE_TRUE;
            }
            if (token == JsonToken.VALUE_STRING) {
                Boolean value = parse(p.getText());
                if (value != null) {
                    return value;
                }
                // Not Jackson's own format error, whose message Dropwizard replaces with the types involved.
                throw JsonMappingException.from(p, "'" + p.getText() + "' is not a boolean (true, false, 1, 0, t, f)");
            }
            return (Boolean) ctxt.handleUnexpectedToken(Boolean.class, p);
        }

        @Override
        public Boolean getNullValue(DeserializationContext ctxt) {
            return handledType() == boolean.class ? Boolean.FALSE : null;
        }
    }
}
