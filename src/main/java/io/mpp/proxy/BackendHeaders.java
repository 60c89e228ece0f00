package io.mpp.proxy;

import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The headers a backend gets for a client's request: the client's end-to-end headers, the backend's own Host, and
 * the de-facto proxy headers (X-Forwarded-For appended to, X-Forwarded-Proto and -Host set only when absent).
 */
final class BackendHeaders {

    /** Client headers not copied as they are: the backend gets its own Host, no Expect, an extended chain. */
    private static final Set<HttpHeader> REPLACED = EnumSet.of(HttpHeader.HOST, HttpHeader.EXPECT,
            HttpHeader.X_FORWARDED_FOR);

    private BackendHeaders() {
    }

    /** Adds to {@code to} the headers for a backend at {@code authority} ({@code host[:port]}). */
    static void add(Request request, String authority, HttpFields.Mutable to) {
        HttpFields client = request.getHeaders();
        HopByHop.copy(client, to, REPLACED);
        to.put(HttpHeader.HOST, authority);
        String remote = Request.getRemoteAddr(request);
        String chain = joined(client, HttpHeader.X_FORWARDED_FOR);
        to.put(HttpHeader.X_FORWARDED_FOR, chain == null ? remote : chain + ", " + remote);
        if (!to.contains(HttpHeader.X_FORWARDED_PROTO)) {
            to.put(HttpHeader.X_FORWARDED_PROTO, request.isSecure() ? "https" : "http");
        }
        if (!to.contains(HttpHeader.X_FORWARDED_HOST)) {
            String host = client.get(HttpHeader.HOST);
            if (host != null) {
                to.put(HttpHeader.X_FORWARDED_HOST, host);
            }
        }
    }

    /** The host and port of a normalised backend URL ({@code scheme://host[:port][/path]}). */
    static String authority(String url) {
        int start = url.indexOf("://") + 3;
        int end = url.indexOf('/', start);
        return end < 0 ? url.substring(start) : url.substring(start, end);
    }

    /** All values of a header the client sent, joined as one comma list; null when absent. */
    private static String joined(HttpFields headers, HttpHeader name) {
        String first = null;
        StringBuilder sb = null;
        for (HttpField field : headers) {
            if (field.getHeader() != name) {
                continue;
            }
            if (first == null) {
                first = field.getValue().strip();
            } else {
                if (sb == null) {
                    sb = new StringBuilder(first);
                }
                sb.append(", ").append(field.getValue().strip());
            }
        }
        return sb == null ? first : sb.toString();
    }
}
