package io.mpp.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpp.util.PeerText;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** Short, loggable descriptions of failed calls and of the error bodies of Marathon and DC/OS. */
public final class HttpAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 200;
    private static final long MIB = 1 << 20;
    /** Jetty's words for an answer over the limit the caller set. */
    private static final Pattern BUFFER_EXCEEDED = Pattern.compile("Buffering capacity (\\d+) exceeded");
    /** An object's toString(), as in {@code oejcti.HttpConnectionOverHTTP@666e2291::...}. */
    private static final Pattern OBJECT_DUMP = Pattern.compile("[\\w.$]+@[0-9a-f]+");

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
        String message = root.getMessage();
        Matcher exceeded = message == null ? null : BUFFER_EXCEEDED.matcher(message);
        if (root instanceof IllegalArgumentException && exceeded != null && exceeded.matches()) {
            long limit = Long.parseLong(exceeded.group(1));
            return "the answer is larger than " + (limit % MIB == 0 ? limit / MIB + " MiB" : limit + " bytes")
                    + ", the most mpp reads";
        }
        String kind = root instanceof ConnectException ? "connection refused"
                : root instanceof UnknownHostException ? "unknown host"
                : root instanceof SSLException ? "TLS failed" : root.getClass().getSimpleName();
        if (message != null && OBJECT_DUMP.matcher(message).lookingAt()) {
            message = null; // Jetty names its connection's inner state there: nothing a reader can use
        }
        if ((message == null || message.isBlank()) && (root instanceof EOFException
                || root instanceof ClosedChannelException || root instanceof SocketException)) {
            return kind + ": connection closed";
        }
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
        return shorten(body);
    }

    private static String shorten(String text) {
        return PeerText.oneLine(text, MAX_MESSAGE);
    }
}
