package io.mpp.proxy;

import java.nio.charset.StandardCharsets;

/**
 * A request target that {@link java.net.URI} accepts, for Jetty's HTTP client, which parses each request's URL with
 * it. Clients send raw what URI refuses ({@code query=up{job="a"}} from Go or {@code curl -g}, UTF-8 label values);
 * those characters are percent-encoded, which means the same to Prometheus. Escapes already there are kept.
 */
final class UriSafeTarget {

    private static final String REFUSED_ANYWHERE = "\"<>\\^`{|}";
    private static final String REFUSED_IN_PATH = "[]";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriSafeTarget() {
    }

    /** The target, percent-encoded where URI would refuse it; the same instance when nothing needs it. */
    static String of(String pathQuery) {
        int query = pathQuery.indexOf('?');
        int first = -1;
        for (int i = 0; i < pathQuery.length() && first < 0; i++) {
            if (refused(pathQuery.charAt(i), query < 0 || i < query)) {
                first = i;
            }
        }
        if (first < 0) {
            return pathQuery;
        }
        StringBuilder out = new StringBuilder(pathQuery.length() + 16).append(pathQuery, 0, first);
        for (int i = first; i < pathQuery.length(); i++) {
            char c = pathQuery.charAt(i);
            if (c >= 0x80) {
                int end = i + (Character.isHighSurrogate(c) && i + 1 < pathQuery.length() ? 2 : 1);
                for (byte b : pathQuery.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    escape(out, b & 0xff);
                }
                i = end - 1;
            } else if (refused(c, query < 0 || i < query)) {
                escape(out, c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean refused(char c, boolean inPath) {
        return c >= 0x80 || REFUSED_ANYWHERE.indexOf(c) >= 0 || inPath && REFUSED_IN_PATH.indexOf(c) >= 0;
    }

    private static void escape(StringBuilder out, int b) {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
    }
}
