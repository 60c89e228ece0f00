package io.mpp.proxy.affinity;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** config.yml's {@code affinity} block: which affinity, the cookie's name and key, how to read X-Forwarded-For. */
public class AffinityFactory {

    private static final Logger LOG = LoggerFactory.getLogger(AffinityFactory.class);
    private static final int MAX_TRUSTED_PROXIES = 64;
    private static final int MAX_COOKIE_NAME = 64;
    /** RFC 6265's cookie-name: an RFC 2616 token, visible ASCII but separators. */
    private static final String SEPARATORS = "()<>@,;:\\\"/[]?={}";

    private AffinityOptions options = new AffinityOptions(true, false);
    /** Never serialised or logged. */
    private byte[] key;
    private int trustedProxies = ClientAddress.LEFTMOST;
    private String cookieName = RouteCookie.DEFAULT_NAME;

    public AffinityOptions options() {
        return options;
    }

    @JsonProperty
    public String getOptions() {
        return options.describe();
    }

    /** Parsed here so a wrong option fails at start, with the setting's path in the message. */
    @JsonProperty
    public void setOptions(String text) {
        this.options = AffinityOptions.parse(text);
    }

    /** Write-only: the key must not show up wherever the configuration is printed. */
    @JsonProperty(value = "key", access = JsonProperty.Access.WRITE_ONLY)
    public void setKey(String text) {
        String stripped = text == null ? "" : text.strip();
        if (stripped.isEmpty()) {
            this.key = null;
            return;
        }
        byte[] bytes = stripped.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < RouteCookie.MIN_KEY_BYTES) {
            // The message names the rule, never the key.
            // Bytes of UTF-8 are what the HMAC gets; saying "characters" alone misleads for a non-ASCII key.
            throw new IllegalArgumentException("MPP_AFFINITY_KEY is too short: the route cookie key needs at least "
                    + RouteCookie.MIN_KEY_BYTES + " bytes (" + RouteCookie.MIN_KEY_BYTES + " ASCII characters), for"
                    + " example the output of openssl rand -base64 32");
        }
        this.key = bytes;
    }

    public boolean hasKey() {
        return key != null;
    }

    @JsonProperty
    public String getCookieName() {
        return cookieName;
    }

    @JsonProperty
    public void setCookieName(String text) {
        String stripped = text == null ? "" : text.strip();
        if (stripped.isEmpty()) {
            this.cookieName = RouteCookie.DEFAULT_NAME;
            return;
        }
        if (stripped.length() > MAX_COOKIE_NAME || !stripped.chars().allMatch(AffinityFactory::tokenChar)) {
            throw new IllegalArgumentException("'" + stripped + "' is not a cookie name: give up to " + MAX_COOKIE_NAME
                    + " letters, digits and !#$%&'*+-.^_`|~ (for example MPP.Route.grafana), or leave"
                    + " MPP_AFFINITY_COOKIE_NAME empty for " + RouteCookie.DEFAULT_NAME);
        }
        this.cookieName = stripped;
    }

    private static boolean tokenChar(int c) {
        return c > ' ' && c < 0x7f && SEPARATORS.indexOf(c) < 0;
    }

    public int trustedProxies() {
        return trustedProxies;
    }

    @JsonProperty
    public String getTrustedProxies() {
        return trustedProxies == ClientAddress.LEFTMOST ? "" : Integer.toString(trustedProxies);
    }

    @JsonProperty
    public void setTrustedProxies(String text) {
        String stripped = text == null ? "" : text.strip();
        if (stripped.isEmpty()) {
            this.trustedProxies = ClientAddress.LEFTMOST;
            return;
        }
        int n;
        try {
            n = Integer.parseInt(stripped);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > MAX_TRUSTED_PROXIES) {
            throw new IllegalArgumentException("'" + stripped + "' is not a number of proxies: give how many proxies"
                    + " in front of mpp append to X-Forwarded-For (0 to " + MAX_TRUSTED_PROXIES + "; 0 uses the"
                    + " connection's address), or leave MPP_AFFINITY_TRUSTED_PROXIES empty for the left-most entry");
        }
        this.trustedProxies = n;
    }

    public Affinity build(MeterRegistry registry) {
        RouteCookie cookie = null;
        if (options.cookies()) {
            byte[] cookieKey = key;
            if (cookieKey == null) {
                cookieKey = new byte[32];
                new SecureRandom().nextBytes(cookieKey);
                LOG.info("affinity: MPP_AFFINITY_KEY is not set, so route cookies are signed with a random key of"
                        + " this process; copies of mpp behind one load balancer need the same MPP_AFFINITY_KEY to"
                        + " honour each other's cookies");
            }
            cookie = new RouteCookie(cookieName, cookieKey);
        }
        return new Affinity(options, cookie, trustedProxies, registry);
    }
}
