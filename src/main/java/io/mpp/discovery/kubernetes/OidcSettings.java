package io.mpp.discovery.kubernetes;

import io.mpp.util.ClientTls;
import io.mpp.util.MaskedUrl;
import io.mpp.util.PeerText;
import io.mpp.util.SmallFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The {@code config} of a kubeconfig user's {@code oidc} auth-provider, checked when mpp starts.
 *
 * @param issuer       {@code idp-issuer-url}: https, or http to this host's loopback (see {@link #safe(HttpUrl)})
 * @param clientSecret empty when the kubeconfig has none
 * @param idToken      null when the kubeconfig has none: one is fetched with the refresh-token before the first call
 * @param refreshToken null when the kubeconfig has none: the id-token is used until it expires
 * @param trust        {@code idp-certificate-authority(-data)}'s certificates; null for the JVM's trust store
 */
record OidcSettings(HttpUrl issuer, String clientId, String clientSecret, IdToken idToken, String refreshToken,
                    KeyStore trust) {

    /**
     * @param config the auth-provider's {@code config} entry
     * @throws IllegalArgumentException saying what is missing or wrong, for a message that already names the file
     */
    static OidcSettings of(Map<?, ?> config) {
        String issuerText = text(config, "idp-issuer-url");
        // Required by client-go too: without them no id-token can ever be renewed, nor the issuer named.
        if (issuerText == null) {
            throw new IllegalArgumentException("its user's oidc auth-provider has no idp-issuer-url");
        }
        HttpUrl issuer = HttpUrl.parse(issuerText);
        if (issuer == null) {
            throw new IllegalArgumentException("its user's oidc auth-provider's idp-issuer-url "
                    + PeerText.oneLine(MaskedUrl.of(issuerText).replaceFirst("[?#].*", ""), 200)
                    + " is not an http or https URL"); // no query: it may carry a secret
        }
        if (!safe(issuer)) {
            throw new IllegalArgumentException("its user's oidc auth-provider's idp-issuer-url " + name(issuer)
                    + " is not https: mpp sends the refresh-token and client-secret over https only (or over http"
                    + " to a loopback address)");
        }
        String clientId = text(config, "client-id");
        if (clientId == null) {
            throw new IllegalArgumentException("its user's oidc auth-provider has no client-id");
        }
        String secret = text(config, "client-secret");
        String idToken = text(config, "id-token");
        return new OidcSettings(issuer, clientId, secret == null ? "" : secret,
                idToken == null ? null : IdToken.of(idToken), text(config, "refresh-token"), trust(config));
    }

    /**
     * Whether mpp sends secrets to this URL: https, or http to a loopback address (an identity provider on the same
     * host, or a test's). client-go sends them over plain http anywhere; the API server takes https issuers only.
     */
    static boolean safe(HttpUrl url) {
        if (url.isHttps()) {
            return true;
        }
        String host = url.host();
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.contains(":") && !host.matches("[0-9.]+")) {
            return false; // a name: resolving it here would be a lookup without a bound
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal address: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A URL for messages: scheme, host, port and path, without user-info, query or fragment. */
    static String name(HttpUrl url) {
        return PeerText.oneLine(url.newBuilder().username("").password("").query(null).fragment(null).build()
                .toString(), 300);
    }

    /** As client-go reads them: the data wins over the file; a relative file is relative to the working directory. */
    private static KeyStore trust(Map<?, ?> config) {
        String data = text(config, "idp-certificate-authority-data");
        if (data != null) {
            byte[] pem;
            try {
                pem = Base64.getMimeDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("its user's oidc auth-provider's idp-certificate-authority-data is"
                        + " not base64");
            }
            return ClientTls.trustStore(pem, "its user's oidc auth-provider's idp-certificate-authority-data");
        }
        String file = text(config, "idp-certificate-authority");
        if (file == null) {
            return null;
        }
        Path path = Path.of(file);
        byte[] pem;
        try {
            pem = SmallFile.read(path, ClientTls.MAX_PEM_BYTES);
        } catch (IOException e) {
            throw new IllegalArgumentException("its user's oidc auth-provider's idp-certificate-authority " + path
                    + " cannot be read (" + SmallFile.why(e) + ")");
        }
        return ClientTls.trustStore(pem, "its user's oidc auth-provider's idp-certificate-authority " + path);
    }

    /** The entry's text; null when it is absent or blank. */
    private static String text(Map<?, ?> config, String key) {
        Object value = config.get(key);
        return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).strip();
    }

    @Override
    public String toString() {
        return "OidcSettings[issuer=" + name(issuer) + ", clientId=" + clientId + ", secrets hidden]";
    }
}
