package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.exception.TokenAquisitionException;
import io.mpp.discovery.kubernetes.ApiObjects.Status;
import io.mpp.util.GoDuration;
import io.mpp.util.MaskedUrl;
import io.mpp.util.PeerText;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Calls the Kubernetes API server of one namespace through the official client (kubeconfig or in-cluster
 * credentials, TLS, request building) and reads the answers leniently. Every failure becomes an
 * {@link ApiCallException} whose message names the call, the namespace and, for a 403, the RBAC permission.
 */
final class ApiServer {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ApiClient calls;
    private final ApiClient watches;
    private final String namespace;
    private final Duration timeout;
    private final String credentials;
    private final AnswerLimits limits;

    /**
     * @param calls       for lists and reads; its HTTP client bounds each call by {@code timeout}
     * @param watches     for watches; its HTTP client allows a watch's whole duration
     * @param credentials where the clients get their token, for messages ({@link KubeClients#credentials()})
     */
    ApiServer(ApiClient calls, ApiClient watches, String namespace, Duration timeout, String credentials) {
        this(calls, watches, namespace, timeout, credentials, AnswerLimits.DEFAULT);
    }

    ApiServer(ApiClient calls, ApiClient watches, String namespace, Duration timeout, String credentials,
              AnswerLimits limits) {
        this.calls = calls;
        this.watches = watches;
        this.namespace = namespace;
        this.timeout = timeout;
        this.credentials = credentials;
        this.limits = limits;
    }

    String namespace() {
        return namespace;
    }

    /** The server's URL for messages, without the user-info a kubeconfig's server URL may carry. */
    String baseUrl() {
        return MaskedUrl.of(calls.getBasePath());
    }

    /** Lists the objects of a kind. */
    Listing list(ObjectKind kind) throws ApiCallException {
        JsonNode list = execute(() -> kind.call(calls, null, null), "list", kind.resource(), kind.group(),
                kind.describe());
        String notAList = notAList(list);
        if (notAList != null) {
            // Taken for an empty list, it would drop every backend found last.
            throw new ApiCallException(0, "the Kubernetes API server at " + baseUrl() + " answered the list of "
                    + kind.describe() + " with something that is not a list (" + notAList + ")");
        }
        Map<String, ObjectKind.Found> objects = new HashMap<>();
        for (JsonNode item : list.path("items")) {
            objects.put(item.path("metadata").path("name").asText(""), kind.read(item));
        }
        return new Listing(list.path("metadata").path("resourceVersion").asText(""), objects);
    }

    /**
     * What an answer to a list is when it is not one, for a message; null when it is a list: an object whose
     * {@code items} is an array, or null in a {@code ...List} (how Kubernetes writes an empty one).
     */
    private static String notAList(JsonNode answer) {
        if (answer == null || answer.isMissingNode()) {
            return "an empty answer";
        }
        if (!answer.isObject()) {
            return "JSON " + answer.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        String kind = answer.path("kind").asText("");
        JsonNode items = answer.get("items");
        if (items != null && (items.isArray() || items.isNull() && kind.endsWith("List"))) {
            return null;
        }
        if (kind.equals("Status")) {
            return "a Status: " + PeerText.oneLine(answer.path("message").asText(""), 300);
        }
        return (kind.isEmpty() ? "an object" : "an object of kind '" + PeerText.oneLine(kind, 60) + "'")
                + (items == null ? " without items" : " whose items are no array");
    }

    /** Whether the service exists (a read of the service). */
    boolean serviceExists(String service) throws ApiCallException {
        try {
            execute(() -> new CoreV1Api(calls).readNamespacedService(service, namespace).buildCall(null), "get",
                    "services", "", "service '" + service + "' in namespace '" + namespace + "'");
            return true;
        } catch (ApiCallException e) {
            if (e.code() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * A watch of a kind's objects from a resource version, which the server ends after {@code seconds}. The request
     * is sent by the first {@link Events#next()}; {@link Events#close()} ends it from any thread, even while it is
     * being sent.
     */
    Events watch(ObjectKind kind, String resourceVersion, int seconds) throws ApiCallException {
        try {
            return new Events(kind.call(watches, resourceVersion, seconds), kind);
        } catch (ApiException e) {
            throw new ApiCallException("cannot build the watch of " + kind.describe() + ": " + e.getMessage(), e);
        }
    }

    /** The events of one watch, one per line; closing it ends the watch. */
    final class Events implements Closeable {

        /** One event: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, and the object (a Status for ERROR). */
        record Event(String type, JsonNode object) {
        }

        private final Call call;
        private final ObjectKind kind;
        private volatile BufferedSource lines;

        private Events(Call call, ObjectKind kind) {
            this.call = call;
            this.kind = kind;
        }

        /** The next event, or null when the server ended the watch (or it was closed). */
        Event next() throws ApiCallException {
            String line;
            try {
                if (lines == null) {
                    lines = open();
                }
                do {
                    line = limits.line(lines);
                } while (line != null && line.isBlank());
            } catch (AnswerLimits.TooLarge e) {
                throw new ApiCallException("the watch of " + kind.describe() + " sent an event of " + e.getMessage()
                        + ", more than mpp reads", e);
            } catch (IOException e) {
                if (call.isCanceled()) {
                    return null;
                }
                throw unreachable(e, "watch " + kind.describe(), watchReadTimeout());
            }
            if (line == null) {
                return null;
            }
            try {
                JsonNode event = MAPPER.readTree(line);
                return new Event(event.path("type").asText(""), event.path("object"));
            } catch (JsonProcessingException e) {
                throw new ApiCallException("the watch of " + kind.describe() + " sent a line that is not a JSON"
                        + " event: " + PeerText.oneLine(line, 300), e);
            }
        }

        private BufferedSource open() throws IOException, ApiCallException {
            Response response = send(call, "watch " + kind.describe());
            if (!response.isSuccessful()) {
                try (response) {
                    throw failure(response, "watch", kind.resource(), kind.group(), kind.describe());
                }
            }
            return response.body().source();
        }

        /**
         * Ends the watch from another thread than the one reading it: the read in progress fails, and the reading
         * thread closes the events. The answer's source is not for two threads at once (okio's timeouts fail then).
         */
        void cancel() {
            call.cancel();
        }

        /** Ends the watch; on the thread that reads it. */
        @Override
        public void close() {
            call.cancel();
            BufferedSource open = lines;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException ignored) {
                    // the call is cancelled anyway
                }
            }
        }
    }

    private interface CallSupplier {
        Call get() throws ApiException;
    }

    private JsonNode execute(CallSupplier supplier, String verb, String resource, String group, String what)
            throws ApiCallException {
        Call call;
        try {
            call = supplier.get();
        } catch (ApiException e) {
            throw new ApiCallException("cannot build the request to " + verb + " " + what + ": " + e.getMessage(), e);
        }
        try (Response response = send(call, verb + " " + what)) {
            if (!response.isSuccessful()) {
                throw failure(response, verb, resource, group, what);
            }
            return MAPPER.readTree(limits.listBody(response.body()));
        } catch (AnswerLimits.TooLarge e) {
            throw new ApiCallException("the Kubernetes API server at " + baseUrl() + " answered the " + verb + " of "
                    + what + " with " + e.getMessage() + ", more than mpp reads", e);
        } catch (JsonProcessingException e) {
            throw new ApiCallException("the Kubernetes API server at " + baseUrl() + " answered the " + verb + " of "
                    + what + " with something that is not JSON: " + PeerText.oneLine(e.getOriginalMessage(), 300), e);
        } catch (IOException e) {
            throw unreachable(e, verb + " " + what, timeout);
        }
    }

    /**
     * Runs a call. The client's credentials fetch a token from inside the call and fail with unchecked exceptions
     * (a token file that is gone, an auth provider that fails), which become an {@link ApiCallException} here.
     */
    private Response send(Call call, String what) throws IOException, ApiCallException {
        try {
            return call.execute();
        } catch (RuntimeException e) {
            String cause = innermost(e);
            if (Stream.iterate((Throwable) e, Objects::nonNull, Throwable::getCause)
                    .anyMatch(TokenAquisitionException.class::isInstance)) {
                throw new ApiCallException("cannot get a token for the Kubernetes API server at " + baseUrl() + " to "
                        + what + " from " + credentials + " (" + cause + ")", e);
            }
            throw new ApiCallException("the call to " + what + " at the Kubernetes API server at " + baseUrl()
                    + " failed (" + cause + ")", e);
        }
    }

    /** The deepest cause's kind and message, on one line: the token file's or provider's own failure. */
    private static String innermost(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? ""
                : ": " + PeerText.oneLine(root.getMessage(), 200));
    }

    private ApiCallException failure(Response response, String verb, String resource, String group, String what) {
        int code = response.code();
        String said = serverMessage(response);
        String message = switch (code) {
            case 401 -> "the Kubernetes API server at " + baseUrl() + " did not accept mpp's credentials (401) to "
                    + verb + " " + what + ": check the token or client certificate of the kubeconfig"
                    + " (MPP_KUBECONFIG) or of the pod's service account";
            case 403 -> "mpp may not " + verb + " " + what + " (403): its account needs the RBAC permission"
                    + " verb '" + verb + "' on resource '" + resource + "'"
                    + (group.isEmpty() ? "" : " in API group '" + group + "'")
                    + " in namespace '" + namespace + "' (a Role and RoleBinding; see docs/kubernetes.md)";
            default -> "the Kubernetes API server at " + baseUrl() + " answered " + code + " to the " + verb
                    + " of " + what;
        };
        return new ApiCallException(code, said.isEmpty() ? message : message + "; it said: " + said);
    }

    private Duration watchReadTimeout() {
        return Duration.ofMillis(watches.getReadTimeout());
    }

    private ApiCallException unreachable(IOException e, String what, Duration limit) {
        // The client's call timeout, which runs while a plugin does, may have wrapped the plugin's failure.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CredentialException credential) {
                return new ApiCallException("cannot get a token for the Kubernetes API server at " + baseUrl()
                        + " to " + what + ": " + credential.getMessage(), e);
            }
        }
        if (e instanceof InterruptedIOException) {
            return new ApiCallException("no answer from the Kubernetes API server at " + baseUrl() + " within "
                    + GoDuration.format(limit) + " to " + what, e);
        }
        String detail = e.getMessage() == null ? "" : ": " + e.getMessage();
        return new ApiCallException("cannot reach the Kubernetes API server at " + baseUrl() + " to " + what
                + " (" + e.getClass().getSimpleName() + detail + ")", e);
    }

    /**
     * The Status message of an error answer, else the start of its text (e.g. {@code 404 page not found}), on one
     * line: the server wrote it, and it goes to the log and the status page.
     */
    private String serverMessage(Response response) {
        String body;
        try {
            ResponseBody b = response.body();
            body = b == null ? "" : limits.errorBody(b).strip();
        } catch (IOException e) {
            return "";
        }
        try {
            Status status = MAPPER.readValue(body, Status.class);
            if (status.message() != null && !status.message().isBlank()) {
                return PeerText.oneLine(status.message(), 1000);
            }
        } catch (IOException notAStatus) {
            // fall through to the text
        }
        return PeerText.oneLine(body, 300);
    }
}
