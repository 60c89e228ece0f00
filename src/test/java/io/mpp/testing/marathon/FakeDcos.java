package io.mpp.testing.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;

/**
 * DC/OS's side of service-account login, as two WireMock extensions: the login endpoint, which verifies the login
 * JWT (RS256 signature against the account's public key, {@code uid}, an {@code exp} that is present, in the future
 * and short) and hands out an auth token with its own {@code exp}; and a guard for the fake Marathon, which answers
 * 401 to a request without a valid, unexpired, unrevoked {@code Authorization: token=...}.
 */
public final class FakeDcos {

    /** The login JWT must not live longer than this (clients use 60-180 s). */
    public static final Duration MAX_LOGIN_TOKEN_LIFETIME = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String uid;
    private final PublicKey accountKey;
    private final Clock clock;
    private final SecretKey issuerKey = Jwts.SIG.HS256.key().build();
    private volatile Duration tokenLifetime;
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger rejectedByMarathon = new AtomicInteger();
    private final List<String> loginRefusals = new CopyOnWriteArrayList<>();
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    public FakeDcos(String uid, PublicKey accountKey, Clock clock, Duration tokenLifetime) {
        this.uid = uid;
        this.accountKey = accountKey;
        this.clock = clock;
        this.tokenLifetime = tokenLifetime;
    }

    public int logins() {
        return logins.get();
    }

    public int rejectedByMarathon() {
        return rejectedByMarathon.get();
    }

    /** Why the login endpoint refused each refused login. */
    public List<String> loginRefusals() {
        return loginRefusals;
    }

    public List<String> issuedTokens() {
        return issued;
    }

    /** Marathon stops accepting a token (as after an IAM key rotation). */
    public void revoke(String token) {
        revoked.add(token);
    }

    /** The transformer of the login endpoint; put it on a stub with {@code withTransformers("dcos-login")}. */
    public ResponseDefinitionTransformerV2 loginEndpoint() {
        return new ResponseDefinitionTransformerV2() {
            @Override
            public ResponseDefinition transform(ServeEvent event) {
                return login(event.getRequest().getBodyAsString());
            }

            @Override
            public boolean applyGlobally() {
                return false;
            }

            @Override
            public String getName() {
                return "dcos-login";
            }
        };
    }

    /** A global transformer for the fake Marathon: only requests with a valid auth token reach the stubs. */
    public ResponseDefinitionTransformerV2 marathonGuard() {
        return new ResponseDefinitionTransformerV2() {
            @Override
            public ResponseDefinition transform(ServeEvent event) {
                String problem = checkAuthorization(event.getRequest().getHeader("Authorization"));
                if (problem == null) {
                    return event.getResponseDefinition();
                }
                rejectedByMarathon.incrementAndGet();
                return ResponseDefinitionBuilder.responseDefinition().withStatus(401)
                        .withHeader("Content-Type", "application/json").withHeader("WWW-Authenticate", "acsjwt")
                        .withBody(JSON.createObjectNode().put("message", problem).toString()).build();
            }

            @Override
            public String getName() {
                return "marathon-auth-guard";
            }
        };
    }

    private ResponseDefinition login(String body) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (Exception e) {
            return refuse(400, "request body is not JSON");
        }
        if (!uid.equals(request.path("uid").asText())) {
            return refuse(401, "unknown uid '" + request.path("uid").asText() + "'");
        }
        String token = request.path("token").asText("");
        if (token.isEmpty()) {
            return refuse(401, "no login token");
        }
        Jws<Claims> jws;
        try {
            jws = Jwts.parser().verifyWith(accountKey).clock(() -> Date.from(clock.instant())).build()
                    .parseSignedClaims(token);
        } catch (JwtException e) {
            return refuse(401, "login token rejected: " + e.getClass().getSimpleName());
        }
        if (!"RS256".equals(jws.getHeader().getAlgorithm())) {
            return refuse(401, "login token is not RS256");
        }
        Claims claims = jws.getPayload();
        if (!uid.equals(claims.get("uid", String.class))) {
            return refuse(401, "login token uid differs from the request's");
        }
        if (claims.getExpiration() == null) {
            return refuse(401, "login token has no exp");
        }
        Duration lifetime = Duration.between(clock.instant(), claims.getExpiration().toInstant());
        if (lifetime.compareTo(MAX_LOGIN_TOKEN_LIFETIME) > 0) {
            return refuse(401, "login token exp is too far out: " + lifetime);
        }
        logins.incrementAndGet();
        Instant now = clock.instant();
        String authToken = Jwts.builder().id(java.util.UUID.randomUUID().toString()).claim("uid", uid).issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(tokenLifetime))).signWith(issuerKey).compact();
        issued.add(authToken);
        return json(200, JSON.createObjectNode().put("token", authToken).toString());
    }

    private ResponseDefinition refuse(int status, String why) {
        loginRefusals.add(why);
        return json(status, JSON.createObjectNode().put("title", "Invalid authentication")
                .put("description", why).put("code", "ERR_INVALID_CREDENTIALS").toString());
    }

    private static ResponseDefinition json(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body).build();
    }

    private String checkAuthorization(String header) {
        if (header == null || !header.startsWith("token=")) {
            return "Authentication required";
        }
        String token = header.substring("token=".length());
        if (revoked.contains(token)) {
            return "token revoked";
        }
        try {
            Jwts.parser().verifyWith(issuerKey).clock(() -> Date.from(clock.instant())).build()
                    .parseSignedClaims(token);
            return null;
        } catch (JwtException e) {
            return "invalid token: " + e.getClass().getSimpleName();
        }
    }
}
