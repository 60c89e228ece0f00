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
     * Header names and values come from Jetty's parser, which allows no line breaks in them; a character outside
     * ISO-8859-1 is sent as {@code ?}. The target goes as UTF-8, as Jetty's parser read it: the client's bytes.
     */
    static ByteBuffer encode(String method, String target, HttpFields headers, long contentLength) {
        String length = contentLength >= 0 ? Long.toString(contentLength) : null;
        byte[] utf8 = ascii(target) ? null : target.getBytes(StandardCharsets.UTF_8);
        int size = method.length() + (utf8 == null ? target.length() : utf8.length) + 14
                + (length == null ? 0 : 18 + length.length());
        for (HttpField field : headers) {
            if (field.getHeader() != HttpHeader.CONTENT_LENGTH) {
                size += field.getName().length() + field.getValue().length() + 4;
            }
        }
        byte[] bytes = new byte[size];
        int at = put(bytes, 0, method);
        bytes[at++] = ' ';
        if (utf8 == null) {
            at = put(bytes, at, target);
        } else {
            System.arraycopy(utf8, 0, bytes, at, utf8.length);
            at += utf8.length;
        }
        at = put(bytes, at, " HTTP/1.1\r\n");
        for (HttpField field : headers) {
            if (field.getHeader() != HttpHeader.CONTENT_LENGTH) {
                at = line(bytes, at, field.getName(), field.getValue());
            }
        }
        if (length != null) {
            at = line(bytes, at, "Content-Length", length);
        }
        bytes[at++] = '\r';
        bytes[at] = '\n';
        return ByteBuffer.wrap(bytes);
    }

    private static int line(byte[] bytes, int at, String name, String value) {
        at = put(bytes, at, name);
        bytes[at++] = ':';
        bytes[at++] = ' ';
        at = put(bytes, at, value);
        bytes[at++] = '\r';
        bytes[at++] = '\n';
        return at;
    }

    private static boolean ascii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int put(byte[] bytes, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes[at++] = c <= 0xff ? (byte) c : (byte) '?';
        }
        return at;
    }

    /**
     * Checks what a backend would reject or misread in a request target that the client's side let through.
     *
     * @throws IllegalArgumentException naming the problem
     */
    static void checkTarget(String target) {
        if (target == null || !target.startsWith("/")) {
            throw new IllegalArgumentException("it is not a path (origin form)");
        }
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
