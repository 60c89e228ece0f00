package io.mpp.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import java.util.List;

/**
 * An empty value for a number is an error, not 0 (and for a switch, not false: {@link GoBooleans}).
 *
 * <p>config.yml's defaults apply only to unset variables, so {@code MPP_PORT=} (a wrapper's {@code MPP_PORT=$PORT0}
 * with {@code PORT0} unset) makes {@code port: ""}, which Jackson would read as port 0: a random port, silently.
 * Settings that are text keep the empty value, which means "off" for several of them.
 */
public final class EmptyScalars {

    private static final List<Class<?>> REFUSED = List.of(int.class, long.class, double.class);

    private EmptyScalars() {
    }

    public static ObjectMapper refusedIn(ObjectMapper mapper) {
        for (Class<?> type : REFUSED) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        return mapper;
    }
}
