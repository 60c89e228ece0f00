package io.mpp.discovery.marathon.dcos;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpp.util.MaskedUrl;
import java.net.URI;
import java.security.PrivateKey;
import java.util.Locale;

/**
 * A DC/OS service account's principal secret, as {@code dcos security secrets create-sa-secret} writes it:
 * {@code {"scheme":"RS256","uid":"...","private_key":"<PEM>","login_endpoint":"https://..."}}, or with
 * {@code password} instead of {@code private_key}.
 *
 * <p>Errors name the source and the field, never a value: the text holds a private key or a password.
 *
 * @param privateKey    null for a password secret
 * @param password      null for a key secret
 * @param loginEndpoint the secret's {@code login_endpoint}, or the override
 */
public record PrincipalSecret(String uid, PrivateKey privateKey, String password, URI loginEndpoint) {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String toString() {
        return "PrincipalSecret[uid=" + uid + ", " + (privateKey != null ? "private_key" : "password")
                + ", login_endpoint=" + loginEndpoint + "]";
    }

    /**
     * Parses the secret's JSON text.
     *
     * @param source                where the text came from, for messages (a variable name or a file)
     * @param loginEndpointOverride {@code MPP_MARATHON_AUTH_ENDPOINT}; empty to use the secret's own
     * @throws IllegalArgumentException naming the source and the field at fault
     */
    public static PrincipalSecret parse(String text, String source, String loginEndpointOverride) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.startsWith("\uFEFF")) {
            trimmed = trimmed.substring(1).strip(); // a byte order mark, as some editors on Windows write
        }
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(source + " is empty");
        }
        if (!trimmed.startsWith("{")) {
            throw new IllegalArgumentException(source + " does not hold the principal secret's JSON text (it should"
                    + " start with '{'" + (source.startsWith("MPP_MARATHON_PRINCIPAL_SECRET_FILE") ? ")"
                    : "; to read the secret from a file use MPP_MARATHON_PRINCIPAL_SECRET_FILE)"));
        }
        JsonNode root;
        try {
            root = JSON.readTree(trimmed);
        } catch (StreamConstraintsException e) {
            // A limit of the reader (nesting, a number's length): its message holds counts, never the text.
            throw new IllegalArgumentException(source + " is not valid JSON: "
                    + e.getOriginalMessage().replaceAll(", from `[^`]*`", ""));
        } catch (JsonProcessingException e) {
            // Jackson's own message may quote the text, which holds the key: report the position only.
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(source + " is not valid JSON (" + (at == null ? "error at an unknown"
                    + " position" : "error at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")");
        }
        String uid = text(root, "uid", source);
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException(source + ": field 'uid' (the service account's name) is missing");
        }
        String pem = text(root, "private_key", source);
        String password = text(root, "password", source);
        String scheme = text(root, "scheme", source);
        PrivateKey key = null;
        if (pem != null && !pem.isBlank()) {
            if (scheme != null && !scheme.isBlank() && !scheme.strip().toUpperCase(Locale.ROOT).equals("RS256")) {
                throw new IllegalArgumentException(source + ": field 'scheme' is '" + scheme.strip()
                        + "'; only RS256 is supported");
            }
            key = PemPrivateKeys.read(pem, source + ": field 'private_key'");
            int bits = ((java.security.interfaces.RSAPrivateKey) key).getModulus().bitLength();
            if (bits < 2048) {
                throw new IllegalArgumentException(source + ": field 'private_key' is a " + bits + "-bit RSA key;"
                        + " RS256 needs at least 2048 bits");
            }
            password = null;
        } else if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException(source + ": neither field 'private_key' nor field 'password' is set");
        }
        return new PrincipalSecret(uid.strip(), key, password, loginEndpoint(root, source, loginEndpointOverride));
    }

    private static URI loginEndpoint(JsonNode root, String source, String override) {
        String fromSecret = text(root, "login_endpoint", source);
        boolean overridden = override != null && !override.isBlank();
        String value = overridden ? override.strip() : fromSecret;
        String where = overridden ? "MPP_MARATHON_AUTH_ENDPOINT" : source + ": field 'login_endpoint'";
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(source + ": field 'login_endpoint' is missing; set it in the secret or"
                    + " set MPP_MARATHON_AUTH_ENDPOINT (e.g. https://leader.mesos/acs/api/v1/auth/login)");
        }
        // Messages show the value masked: a URL with credentials would put them in logs and on the status page.
        String shown = MaskedUrl.of(value.strip());
        URI uri;
        try {
            uri = URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not an http(s) URL: '" + shown + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getRawUserInfo() != null || (uri.getHost() == null && !shown.equals(value.strip()))) {
            throw new IllegalArgumentException(where + " carries credentials: '" + shown + "'; the login endpoint"
                    + " takes none (the account's key or password is in the secret)");
        }
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(where + " is not an http(s) URL: '" + shown + "'");
        }
        return uri;
    }

    private static String text(JsonNode root, String field, String source) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' must be a string, not "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return node.asText();
    }
}
