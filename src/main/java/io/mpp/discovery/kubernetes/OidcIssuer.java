package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.mpp.util.GoDuration;
import io.mpp.util.PeerText;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Renews an id-token at the identity provider of a kubeconfig's oidc auth-provider, as client-go does: the token
 * endpoint from the issuer's discovery document, then a refresh_token grant. Unlike the Java client's, the exchange
 * is bounded by {@code MPP_KUBE_TIMEOUT}, both requests together, and so are the answers' sizes. A failure is a
 * {@link CredentialException} naming the issuer and why, never a token or the client's secret.
 */
final class OidcIssuer {

    /** Far above a discovery document or a token answer (a few KiB, an id-token with many groups tens of KiB). */
    static final long MAX_ANSWER = 1024 * 1024;

    private final OidcSettings settings;
    private final Duration timeout;
    private final OkHttpClient http;
    /**
     * Whether the token endpoint wants the client's id and secret as form fields rather than as basic auth; null
     * until an answer tells. client-go's oauth2 library tries basic auth first and the form when that is refused.
     */
    private volatile Boolean clientInForm;

    /** What a refresh gave: a new id-token, and a new refresh-token when the provider rotates them (else null). */
    record Tokens(IdToken idToken, String refreshToken) {

        @Override
        public String toString() {
            return "Tokens[hidden]";
        }
    }

    /** An answer's status, its JSON (missing when an error answer is not JSON) and an error answer's OAuth code. */
    private record Answer(int code, JsonNode json, String error) {

        boolean ok() {
            return code / 100 == 2;
        }
    }

    OidcIssuer(OidcSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                // A redirect could take the refresh-token elsewhere, over http too.
                .followRedirects(false)
                .followSslRedirects(false);
        if (settings.trust() != null) {
            X509TrustManager trust = trustManager(settings);
            http.sslSocketFactory(sslContext(trust).getSocketFactory(), trust);
        }
        this.http = http.build();
    }

    /**
     * @param deadline {@link System#nanoTime()} by which the renewal must be done
     * @throws CredentialException naming the issuer and why no id-token was had
     */
    Tokens refresh(String refreshToken, long deadline) throws CredentialException {
        HttpUrl endpoint = tokenEndpoint(deadline);
        boolean inForm = Boolean.TRUE.equals(clientInForm);
        Answer answer = exchange(tokenRequest(endpoint, refreshToken, inForm), "its token endpoint "
                + OidcSettings.name(endpoint), deadline);
        if (clientInForm == null && !inForm && (answer.code() == 400 || answer.code() == 401)) {
            inForm = true; // perhaps the endpoint takes no basic auth
            answer = exchange(tokenRequest(endpoint, refreshToken, true), "its token endpoint "
                    + OidcSettings.name(endpoint), deadline);
        }
        String what = "its token endpoint " + OidcSettings.name(endpoint);
        if (!answer.ok()) {
            throw failure(what + " answered " + answer.code() + (answer.error().isEmpty() ? ""
                    : " (" + answer.error() + ")"));
        }
        clientInForm = inForm;
        JsonNode idToken = answer.json().path("id_token");
        if (!idToken.isTextual() || idToken.asText().isEmpty()) {
            // Some providers issue none on a refresh, or none when the login did not ask for the openid scope.
            throw failure(what + " answered without an id_token (was the scope openid asked for at login?)");
        }
        if (!idToken.asText().chars().allMatch(c -> c > 0x20 && c <= 0x7e)) {
            throw failure(what + " answered an id_token an HTTP header cannot carry");
        }
        JsonNode rotated = answer.json().path("refresh_token");
        return new Tokens(IdToken.of(idToken.asText()), rotated.isTextual() && !rotated.asText().isEmpty()
                ? rotated.asText() : null);
    }

    /** The issuer's name for messages: no user-info, query or fragment. */
    String name() {
        return OidcSettings.name(settings.issuer());
    }

    CredentialException failure(String why) {
        return new CredentialException("the kubeconfig's oidc auth-provider cannot renew its id-token at the issuer "
                + name() + ": " + why);
    }

    private HttpUrl tokenEndpoint(long deadline) throws CredentialException {
        String issuer = settings.issuer().newBuilder().query(null).fragment(null).build().toString();
        // As client-go builds it: an issuer with a path keeps it (https://idp/realms/x/.well-known/...).
        HttpUrl discovery = HttpUrl.get((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                + "/.well-known/openid-configuration");
        String what = "its discovery document (.well-known/openid-configuration)";
        Answer answer = exchange(new Request.Builder().url(discovery).header("Accept", "application/json").build(),
                what, deadline);
        if (!answer.ok()) {
            throw failure(what + " answered " + answer.code());
        }
        JsonNode named = answer.json().path("token_endpoint");
        HttpUrl endpoint = named.isTextual() ? HttpUrl.parse(named.asText()) : null;
        if (endpoint == null) {
            throw failure(what + " names no token_endpoint that is an http or https URL");
        }
        if (!OidcSettings.safe(endpoint)) {
            throw failure(what + " names a token_endpoint that is not https, to which mpp sends no refresh-token: "
                    + OidcSettings.name(endpoint));
        }
        return endpoint;
    }

    private Request tokenRequest(HttpUrl endpoint, String refreshToken, boolean clientInForm) {
        FormBody.Builder form = new FormBody.Builder()
                .add("grant_type", "refresh_token")
                .add("refresh_token", refreshToken);
        Request.Builder request = new Request.Builder().url(endpoint).header("Accept", "application/json");
        if (clientInForm) {
            form.add("client_id", settings.clientId());
            if (!settings.clientSecret().isEmpty()) {
                form.add("client_secret", settings.clientSecret());
            }
        } else {
            // Form-encoded first, as RFC 6749 (2.3.1) and client-go have it; the Java client leaves them as they are.
            request.header("Authorization", Credentials.basic(formEncoded(settings.clientId()),
                    formEncoded(settings.clientSecret()), StandardCharsets.UTF_8));
        }
        return request.post(form.build()).build();
    }

    private static String formEncoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** One request, within what is left of the renewal's time. */
    private Answer exchange(Request request, String what, long deadline) throws CredentialException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw failure("no answer from " + what + " within " + GoDuration.format(timeout));
        }
        Call call = http.newCall(request);
        call.timeout().timeout(left, TimeUnit.NANOSECONDS); // the whole exchange, the answer's body included
        try (Response response = call.execute()) {
            if (!response.isSuccessful()) {
                return new Answer(response.code(), MissingNode.getInstance(), errorCode(response));
            }
            try {
                JsonNode json = ApiServer.MAPPER.readTree(AnswerLimits.whole(response.body(), MAX_ANSWER));
                return new Answer(response.code(), json == null ? MissingNode.getInstance() : json, "");
            } catch (JsonProcessingException e) {
                throw failure(what + " answered " + response.code() + " with something that is not JSON");
            }
        } catch (CredentialException e) {
            throw e;
        } catch (AnswerLimits.TooLarge e) {
            throw failure(what + " answered with " + e.getMessage() + ", more than mpp reads");
        } catch (InterruptedIOException e) {
            throw failure("no answer from " + what + " within " + GoDuration.format(timeout));
        } catch (IOException e) {
            throw failure("cannot reach " + what + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + PeerText.oneLine(e.getMessage(), 200)) + ")");
        }
    }

    /**
     * The OAuth error code of an error answer ({@code invalid_grant}), when it is one: a word from a short list of
     * the RFC's. Its {@code error_description} is left out, since a provider may quote the request in it.
     */
    private static String errorCode(Response response) {
        try {
            String code = ApiServer.MAPPER.readTree(AnswerLimits.DEFAULT.errorBody(response.body())).path("error")
                    .asText("");
            return code.matches("[A-Za-z0-9_.-]{1,64}") ? code : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static X509TrustManager trustManager(OidcSettings settings) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(settings.trust());
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JVM has no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust idp-certificate-authority", e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context for the identity provider", e);
        }
    }
}
