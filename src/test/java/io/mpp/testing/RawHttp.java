package io.mpp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 by hand over a socket, for tests that decide how requests share a connection. */
public final class RawHttp {

    private RawHttp() {
    }

    public static byte[] get(String target, boolean close) {
        return ("GET " + target + " HTTP/1.1\r\nHost: mpp\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends {@code request} as it is (ISO-8859-1) to the server at {@code baseUrl} on a connection of its own and
     * reads everything until the server closes it.
     */
    public static String exchange(String baseUrl, String request) throws IOException {
        URI base = URI.create(baseUrl);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** One answer with a Content-Length, read off a connection that stays open. */
    public static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the connection closed within an answer's head").isNotNegative();
            head.append((char) b);
        }
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        assertThat(length.find()).as("a Content-Length in " + head).isTrue();
        byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }
}
