package io.mpp.discovery;

import io.mpp.util.MaskedUrl;
import io.mpp.util.PeerText;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A Prometheus backend found by a locator.
 *
 * @param url     normalised base URL, {@code scheme://host[:port][/path]} without a trailing slash or the scheme's
 *                default port; proxied paths are appended to it, so a path prefix of the backend is kept
 * @param locator name of the locator that found it, for the status page and logs; not part of its identity (see
 *                {@link #equals})
 */
public record Endpoint(String url, String locator) {

    public Endpoint {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("endpoint URL is empty");
        }
    }

    /**
     * Parses and normalises a backend URL.
     *
     * @throws IllegalArgumentException with a message naming what is wrong with the text
     */
    public static Endpoint parse(String text, String locator) {
        String masked = MaskedUrl.of(text.trim());
        String trimmed = quotable(masked);
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("'" + trimmed
                    + "' is not an http(s) URL (expected e.g. http://host:9090)");
        }
        if (uri.getRawUserInfo() != null || (uri.getHost() == null && !masked.equals(text.trim()))) {
            // Credentials would show up on the status page and in the MPP.ServedBy header.
            throw new IllegalArgumentException("'" + trimmed + "' carries credentials; they are not supported in"
                    + " endpoint URLs");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + trimmed + "' has no valid host (a host name holds letters, digits,"
                    + " '-' and '.'; an IPv6 address goes in brackets)");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("'" + trimmed + "' has port " + uri.getPort() + "; a port is 1-65535");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + trimmed + "' has a query or fragment; give the base URL only");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String host = uri.getHost().startsWith("[") ? ipv6(uri.getHost()) : uri.getHost().toLowerCase(Locale.ROOT);
        // http://d and http://d:80 are one backend: listed once, and shown as the short form (MPP.ServedBy).
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String port = uri.getPort() < 0 || uri.getPort() == defaultPort ? "" : ":" + uri.getPort();
        return new Endpoint(scheme + "://" + host + port + path, locator);
    }

    /**
     * The text as error messages quote it (the status page, the log), never its credentials: not its user-info, nor
     * a query or fragment (an access token there), nor what follows a space; on one line.
     */
    private static String quotable(String masked) {
        for (int i = 0; i < masked.length(); i++) {
            char c = masked.charAt(i);
            if (c == '?' || c == '#' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return PeerText.oneLine(masked.substring(0, i), 200) + (c == '?' || c == '#' ? c + "..." : " ...");
            }
        }
        return PeerText.oneLine(masked, 200);
    }

    /**
     * An IPv6 literal in brackets in its one short form (RFC 5952: {@code [::1]}, not {@code [0:0:0:0:0:0:0:1]}), so
     * that one backend written two ways, or listed by a file and found by discovery, is one backend. An IPv4-mapped
     * address becomes the IPv4 address; a literal with a zone ({@code %25eth0}) stays as written.
     */
    private static String ipv6(String bracketed) {
        String literal = bracketed.substring(1, bracketed.length() - 1);
        if (literal.contains("%")) {
            return bracketed.toLowerCase(Locale.ROOT);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(literal); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return bracketed.toLowerCase(Locale.ROOT); // URI took it for an address; connecting will tell
        }
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        // The longest run of two or more zero groups (the first of equal ones) becomes "::".
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = Math.max(i, j - 1);
        }
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
                continue;
            }
            if (text.length() > 1 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.append(']').toString();
    }

    /** Builds the endpoint of a discovered host and port (Marathon task, Kubernetes address). */
    public static Endpoint of(String scheme, String host, int port, String locator) {
        if (host.chars().anyMatch(c -> c <= ' ' || c == 0x7f || "/?#@\\".indexOf(c) >= 0)) {
            // Parsed as part of a URL, "10.0.0.9/x" would become host 10.0.0.9, port 80 and a path.
            throw new IllegalArgumentException("host '" + host.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a host name or an IP address");
        }
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return parse(scheme + "://" + h + ":" + port, locator);
    }

    /**
     * One backend is one URL, whichever locator found it: when the file drops a line that Kubernetes still lists,
     * the backend keeps its strikes, its time live and its place, and a failure of a request sent under the old name
     * still takes it out of rotation.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Endpoint e && url.equals(e.url);
    }

    @Override
    public int hashCode() {
        return url.hashCode();
    }

    @Override
    public String toString() {
        return url;
    }
}
