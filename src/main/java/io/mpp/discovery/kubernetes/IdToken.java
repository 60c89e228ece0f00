package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * An OpenID Connect id-token and the expiry its payload states. Read without checking the signature: the API server
 * checks it; mpp only needs to know when to ask for another.
 *
 * @param expiry {@link Instant#MIN} when the token states none or is no JWT: it is renewed before use, as client-go
 *               and the Java client do with such a token
 */
record IdToken(String value, Instant expiry) {

    /** Taken as expired this much early, as client-go does, so that a token does not expire on its way. */
    static final Duration MARGIN = Duration.ofSeconds(10);

    static IdToken of(String jwt) {
        return new IdToken(jwt, expiry(jwt));
    }

    boolean fresh(Instant now) {
        return now.plus(MARGIN).isBefore(expiry);
    }

    private static Instant expiry(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            return Instant.MIN;
        }
        try {
            JsonNode exp = ApiServer.MAPPER.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8)).path("exp");
            if (exp.isTextual()) {
                exp = ApiServer.MAPPER.readTree(exp.asText()); // client-go reads it as a json.Number: "1795429707"
            }
            return exp != null && exp.isNumber() ? Instant.ofEpochSecond(exp.asLong()) : Instant.MIN;
        } catch (IOException | IllegalArgumentException | DateTimeException e) {
            return Instant.MIN;
        }
    }

    @Override
    public String toString() {
        return "IdToken[value hidden, expiry=" + expiry + "]";
    }
}
