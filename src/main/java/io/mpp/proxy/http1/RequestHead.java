package io.mpp.proxy.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/** The request line and headers of an HTTP/1.1 request, as bytes. */
final class RequestHead {

    private RequestHead() {
    }

    /**
     * Encodes a request. The headers' own Content-Length is replaced by {@code contentLength} (none when negative).
     * Header names and values come from Jetty's parser, which allows no line breaks in them.
     */
    static ByteBuffer encode(String method, String target, HttpFields headers, long contentLength) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (HttpField field : headers) {
            if (field.getHeader() == HttpHeader.CONTENT_LENGTH) {
                continue;
            }
            sb.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
        }
        if (contentLength >= 0) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Checks what a backend would reject or misread in a request target that the client's side let through.
     *
     * @throws IllegalArgumentException naming the problem
     */
    static void checkTarget(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException("it contains a space or control character at index " + i);
            }
            if (c == '%' && (i + 2 >= target.length() || !isHex(target.charAt(i + 1))
                    || !isHex(target.charAt(i + 2)))) {
                throw new IllegalArgumentException("malformed percent-escape at index " + i);
            }
        }
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
