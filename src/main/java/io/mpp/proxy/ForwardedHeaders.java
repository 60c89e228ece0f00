package io.mpp.proxy;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;

/** The de-facto proxy headers: X-Forwarded-For appended to, X-Forwarded-Proto and -Host set only when absent. */
final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

    static void add(HttpServletRequest client, Request proxyRequest) {
        String remote = client.getRemoteAddr();
        proxyRequest.headers(headers -> {
            String chain = joined(client, HttpHeader.X_FORWARDED_FOR.asString());
            headers.put(HttpHeader.X_FORWARDED_FOR, chain == null ? remote : chain + ", " + remote);
            if (!headers.contains(HttpHeader.X_FORWARDED_PROTO)) {
                headers.put(HttpHeader.X_FORWARDED_PROTO, client.getScheme());
            }
            if (!headers.contains(HttpHeader.X_FORWARDED_HOST)) {
                String host = client.getHeader(HttpHeader.HOST.asString());
                if (host != null) {
                    headers.put(HttpHeader.X_FORWARDED_HOST, host);
                }
            }
        });
    }

    /** All values of a header the client sent, joined as one comma list; null when absent. */
    private static String joined(HttpServletRequest client, String name) {
        var values = client.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(values.nextElement().strip());
        while (values.hasMoreElements()) {
            sb.append(", ").append(values.nextElement().strip());
        }
        return sb.toString();
    }
}
