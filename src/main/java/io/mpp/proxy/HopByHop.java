package io.mpp.proxy;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Copies headers from one side of the proxy to the other, less those that belong to one connection (RFC 9110
 * section 7.6.1): the standard hop-by-hop ones and any the Connection header names.
 */
final class HopByHop {

    private static final Set<HttpHeader> HOP_HEADERS = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_AUTHORIZATION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_CONNECTION,
            HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE);

    private HopByHop() {
    }

    /**
     * Adds the end-to-end headers of {@code from} to {@code to}, less those in {@code skipped} as well.
     */
    static void copy(HttpFields from, HttpFields.Mutable to, Set<HttpHeader> skipped) {
        Set<String> named = namedByConnection(from);
        for (HttpField field : from) {
            HttpHeader header = field.getHeader();
            if (header != null && (HOP_HEADERS.contains(header) || skipped.contains(header))) {
                continue;
            }
            if (named != null && named.contains(field.getLowerCaseName())) {
                continue;
            }
            to.add(field);
        }
    }

    /** The header names a Connection header lists; null when there is none (nearly always). */
    private static Set<String> namedByConnection(HttpFields headers) {
        HttpField connection = headers.getField(HttpHeader.CONNECTION);
        if (connection == null) {
            return null;
        }
        Set<String> named = new java.util.HashSet<>();
        for (String value : headers.getValuesList(HttpHeader.CONNECTION)) {
            for (String name : value.split(",")) {
                named.add(name.strip().toLowerCase(Locale.ROOT));
            }
        }
        return named;
    }
}
