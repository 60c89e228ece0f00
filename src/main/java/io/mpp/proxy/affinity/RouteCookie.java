package io.mpp.proxy.affinity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Enumeration;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The route cookie ({@code MPP.Route} unless configured otherwise): a backend URL and its HMAC-SHA256,
 * {@code base64url(url) "." base64url(mac)}. The value is only a claim: whoever reads it must still find the URL
 * among the backends of the current selection.
 */
public final class RouteCookie {

    public static final String DEFAULT_NAME = "MPP.Route";

    /** Shortest key accepted: HMAC-SHA256 is as strong as its key, up to the hash's 32 bytes. */
    public static final int MIN_KEY_BYTES = 32;

    /** Longer values are not looked at: no backend URL is this long, and decoding costs. */
    private static final int MAX_VALUE_LENGTH = 4096;
    /**
     * Route cookies past this many in one request are not looked at: a browser sends one per path it was set for,
     * and a client sending hundreds would make each request decode them all.
     */
    static final int MAX_PAIRS = 4;
    private static final String ALGORITHM = "HmacSHA256";
    /** Binds the MAC to this use of the key and to this format. */
    private static final byte[] CONTEXT = "mpp route v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final String name;
    /** Mac objects are not thread-safe; one per thread, keyed once, saves the key set-up on every request. */
    private final ThreadLocal<Mac> macs;
    /** Told of every MAC computed: what a forged cookie costs is what tests count. */
    private final Runnable onMac;

    /** A cookie named {@value #DEFAULT_NAME}. */
    public RouteCookie(byte[] key) {
        this(DEFAULT_NAME, key);
    }

    /**
     * @param name a cookie name (an RFC 6265 token, checked by the configuration)
     * @param key  at least {@link #MIN_KEY_BYTES} bytes
     */
    public RouteCookie(String name, byte[] key) {
        this(name, key, () -> { });
    }

    RouteCookie(String name, byte[] key, Runnable onMac) {
        this.name = name;
        this.onMac = onMac;
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the route cookie key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        SecretKeySpec spec = new SecretKeySpec(key, ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM cannot compute " + ALGORITHM, e);
            }
        });
        macs.get(); // fails at start rather than on the first request
    }

    public String name() {
        return name;
    }

    /** The cookie value naming this backend URL. */
    public String encode(String url) {
        byte[] bytes = url.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
    }

    /** The backend URL a value names when its signature is this key's, else null (malformed, tampered, foreign). */
    public String decode(String value) {
        return decode(value, url -> true);
    }

    /**
     * The backend URL a value names when {@code wanted} accepts it and its signature is this key's, else null. The
     * URL is looked at before the MAC is computed: a claim for a URL that could not matter costs no MAC.
     */
    private String decode(String value, Predicate<String> wanted) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            return null;
        }
        int dot = value.indexOf('.');
        if (dot <= 0 || dot != value.lastIndexOf('.')) {
            return null;
        }
        try {
            byte[] url = DECODER.decode(value.substring(0, dot));
            String text = new String(url, StandardCharsets.UTF_8);
            if (!wanted.test(text)) {
                return null;
            }
            byte[] given = DECODER.decode(value.substring(dot + 1));
            // Constant time: how much of a forged MAC matched must not show in the timing.
            return MessageDigest.isEqual(mac(url), given) ? text : null;
        } catch (IllegalArgumentException e) {
            return null; // not base64url
        }
    }

    /** The backend URL named by the first route cookie of these Cookie headers that verifies, or null. */
    public String routeIn(Enumeration<String> cookieHeaders) {
        return routeIn(cookieHeaders, url -> true);
    }

    /**
     * The backend URL named by the first route cookie of these Cookie headers whose URL {@code wanted} accepts and
     * that verifies; null when none does. A browser may send several (set for other paths, or by another mpp on the
     * same host): a stale one must not hide one that still serves. Only the first {@value #MAX_PAIRS} route cookies
     * are looked at, and only one whose URL is wanted costs a MAC, so a header of forged pairs costs little.
     */
    public String routeIn(Enumeration<String> cookieHeaders, Predicate<String> wanted) {
        if (cookieHeaders == null) {
            return null;
        }
        int examined = 0;
        while (cookieHeaders.hasMoreElements()) {
            String header = cookieHeaders.nextElement();
            int from = 0;
            while (from < header.length()) {
                int end = header.indexOf(';', from);
                if (end < 0) {
                    end = header.length();
                }
                String value = valueInPair(header, from, end);
                if (value != null) {
                    String url = decode(value, wanted);
                    if (url != null) {
                        return url;
                    }
                    if (++examined == MAX_PAIRS) {
                        return null;
                    }
                }
                from = end + 1;
            }
        }
        return null;
    }

    /** The value of the pair between {@code from} and {@code end} when it is this cookie, else null. */
    private String valueInPair(String header, int from, int end) {
        while (from < end && header.charAt(from) == ' ') {
            from++;
        }
        if (!header.startsWith(name, from) || from + name.length() >= end
                || header.charAt(from + name.length()) != '=') {
            return null;
        }
        String value = header.substring(from + name.length() + 1, end).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        return value;
    }

    /**
     * The Set-Cookie header value pinning a client to a backend: for the whole site, hidden from scripts, sent along
     * on top-level navigation only, and only over https when the client came over https.
     */
    public String setCookieHeader(String url, boolean secure) {
        return name + "=" + encode(url) + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /** Whether a Set-Cookie header value sets a cookie of this name. */
    public boolean isSetBy(String setCookie) {
        int from = 0;
        while (from < setCookie.length() && (setCookie.charAt(from) == ' ' || setCookie.charAt(from) == '\t')) {
            from++;
        }
        int at = from + name.length();
        if (!setCookie.startsWith(name, from)) {
            return false;
        }
        while (at < setCookie.length() && (setCookie.charAt(at) == ' ' || setCookie.charAt(at) == '\t')) {
            at++;
        }
        return at < setCookie.length() && setCookie.charAt(at) == '=';
    }

    private byte[] mac(byte[] url) {
        onMac.run();
        Mac mac = macs.get();
        mac.update(CONTEXT);
        return mac.doFinal(url);
    }
}
