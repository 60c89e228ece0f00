package io.mpp.selection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpp.util.PeerText;

/**
 * Reads the envelope of a Prometheus HTTP API answer. It is parsed, not searched: a proxy that re-serialises the
 * JSON, or another Prometheus-compatible API, may write {@code "status": "success"} with spaces, and a nested
 * {@code "status"} (in {@code data}) says nothing about the answer.
 */
final class ApiAnswer {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** The backend's error text goes into every log line and status row about it; a page of HTML would drown them. */
    private static final int MAX_TEXT = 300;

    private ApiAnswer() {
    }

    /** Why the body is not a successful API answer (the rest of a sentence "query ... "), or null when it is. */
    static String notSuccess(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson names the source in locations; here it is always the body, and redacted at that.
            return "answered no valid JSON: " + clipped(e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "["));
        }
        if (root == null || root.isMissingNode()) {
            return "answered no valid JSON: the body is empty";
        }
        if (!root.isObject()) {
            return "answered JSON that is not an object: " + clipped(root.toString());
        }
        JsonNode status = root.path("status");
        if ("success".equals(status.textValue())) {
            return null;
        }
        if (status.isMissingNode()) {
            return "answered JSON without a top-level \"status\"";
        }
        if ("error".equals(status.textValue())) {
            JsonNode error = root.path("error");
            return error.isTextual() ? "answered an error: " + clipped(error.textValue())
                    : "answered \"status\":\"error\" without an error text";
        }
        return "answered \"status\":" + clipped(status.toString()) + ", not \"success\"";
    }

    private static String clipped(String text) {
        return PeerText.oneLine(text, MAX_TEXT);
    }
}
