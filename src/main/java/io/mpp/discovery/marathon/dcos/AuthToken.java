package io.mpp.discovery.marathon.dcos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * A DC/OS auth token and when it stops being accepted.
 *
 * @param expires the token's own {@code exp} claim; or, for a token that is not a JWT with {@code exp}, a guess an
 *                hour after it was obtained (a 401 makes mpp log in again earlier)
 */
public record AuthToken(String value, Instant obtained, Instant expires) {

    static final Duration UNKNOWN_LIFETIME = Duration.ofHours(1);
    private static final Duration MAX_MARGIN = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String toString() {
        return "AuthToken[expires=" + expires + "]"; // never the token itself
    }

    /** Reads {@code exp} from the token's payload; the signature is the issuer's business, not ours. */
    public static AuthToken of(String value, Instant obtained) {
        return new AuthToken(value, obtained, expiryOf(value).orElse(obtained.plus(UNKNOWN_LIFETIME)));
    }

    /**
     * The token is used until a margin before {@code exp}: half its lifetime, at most 5 minutes, so clock skew and
     * a slow login never let a request go out with an expired token.
     */
    public Instant refreshAt() {
        Duration lifetime = Duration.between(obtained, expires);
        if (lifetime.isNegative() || lifetime.isZero()) {
            // Expired on arrival by this clock (clocks apart): used as one of unknown lifetime, not thrown away at
            // every call. Marathon decides; a 401 brings a new login.
            return obtained.plus(UNKNOWN_LIFETIME).minus(MAX_MARGIN);
        }
        Duration margin = lifetime.dividedBy(2).compareTo(MAX_MARGIN) < 0 ? lifetime.dividedBy(2) : MAX_MARGIN;
        return expires.minus(margin);
    }

    /** Until when the token is worth sending: its {@code exp}, or the unknown lifetime for one expired on arrival. */
    public Instant usableUntil() {
        return expires.isAfter(obtained) ? expires : obtained.plus(UNKNOWN_LIFETIME);
    }

    private static java.util.Optional<Instant> expiryOf(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return java.util.Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            JsonNode claims = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
            JsonNode exp = claims.get("exp");
            return exp != null && exp.isNumber() ? java.util.Optional.of(Instant.ofEpochSecond(exp.asLong()))
                    : java.util.Optional.empty();
        } catch (java.io.IOException | IllegalArgumentException | java.time.DateTimeException e) {
            // Not JSON, not base64, or an exp no clock can hold (1e20): a token of unknown lifetime.
            return java.util.Optional.empty();
        }
    }
}
