package io.mpp.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Short, loggable descriptions of failed calls and of the error bodies of Marathon and DC/OS. */
public final class HttpAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 200;

    private HttpAnswers() {
    }

    /** What went wrong with a call that got no answer. */
    public static String describe(Throwable failure, Duration timeout) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof SSLException) {
                break;
            }
            root = root.getCause();
        }
        String kind = root instanceof ConnectException ? "connection refused"
                : root instanceof UnknownHostException ? "unknown host"
                : root instanceof SSLException ? "TLS failed" : root.getClass().getSimpleName();
        String message = root.getMessage();
        return message == null || message.isBlank() || message.equalsIgnoreCase(kind) ? kind
                : kind + ": " + shorten(message);
    }

    /**
     * The message of an error body: Marathon's {@code {"message":...}}, DC/OS's {@code {"title","description"}},
     * else the start of the text.
     */
    public static String message(String body) {
        if (body == null || body.isBlank()) {
            return "empty body";
        }
        try {
            JsonNode node = JSON.readTree(body);
            for (String field : new String[] {"message", "description", "title"}) {
                if (node != null && node.hasNonNull(field)) {
                    return shorten(node.get(field).asText());
                }
            }
        } catch (java.io.IOException e) {
            // not JSON: a proxy's HTML page, plain text
        }
        return shorten(body.strip().replaceAll("\\s+", " "));
    }

    private static String shorten(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
    }
}
