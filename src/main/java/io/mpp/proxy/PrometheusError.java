package io.mpp.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The error envelope Prometheus clients understand: {@code {"status":"error","errorType":...,"error":...}}, sent by
 * mpp itself. It carries {@code MPP.Error} too, so that whoever is in front (another mpp) can tell it from the
 * backend's own answer in the same envelope.
 */
final class PrometheusError {

    static final String MPP_ERROR = "MPP.Error";

    private PrometheusError() {
    }

    /** Writes the whole answer and completes the callback when it is sent. */
    static void send(Response response, Callback callback, int status, String errorType, String message) {
        byte[] body = ("{\"status\":\"error\",\"errorType\":\"" + errorType + "\",\"error\":\""
                + jsonEscaped(message) + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(MPP_ERROR, errorType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The error type Prometheus would give for this status. */
    static String typeOf(int status) {
        return switch (status) {
            case 504 -> "timeout";
            case 400 -> "bad_data";
            default -> "unavailable";
        };
    }

    static String jsonEscaped(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
