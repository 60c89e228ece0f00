package io.mpp.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.Endpoint;
import io.mpp.discovery.Locator;
import io.mpp.discovery.marathon.dcos.DcosAuthenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the backends as the tasks of Marathon apps. Each app keeps its own last good answer: an app Marathon does
 * not know (404), or that cannot be read, keeps its last known endpoints while the other apps go on. When no app
 * could be read at all the locator fails as a whole, and the previous answer stays in use. Once every master has
 * failed (or the login has) within one {@link #locate()}, the apps not read yet are not asked: each would wait for
 * every master's timeout again.
 */
public final class MarathonLocator implements Locator, MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(MarathonLocator.class);

    /**
     * What one app last gave.
     *
     * @param running     its tasks in {@code TASK_RUNNING} at the last read that worked
     * @param error       why the last read failed; null when it worked
     * @param lastSuccess when it was last read, null if never
     */
    public record AppState(String appId, List<Endpoint> endpoints, List<String> skipped, int running, String error,
                           Instant lastSuccess) {

        /** Running tasks, and not one of them could be addressed: the app serves nothing though it should. */
        boolean unaddressable() {
            return error == null && endpoints.isEmpty() && !skipped.isEmpty() && running > 0;
        }
    }

    private final MarathonClient client;
    private final List<String> appIds;
    private final PortChoice port;
    private final Clock clock;
    private final String name;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, AppState> states = new LinkedHashMap<>();
    private volatile List<AppState> published;

    public MarathonLocator(MarathonClient client, List<String> appIds, PortChoice port, Clock clock) {
        this.client = client;
        this.appIds = List.copyOf(appIds);
        this.port = port;
        this.clock = clock;
        this.name = "marathon:" + String.join(",", appIds);
        for (String appId : this.appIds) {
            states.put(appId, new AppState(appId, List.of(), List.of(), 0, "not read yet", null));
        }
        published = List.copyOf(states.values());
    }

    @Override
    public String name() {
        return name;
    }

    public List<String> appIds() {
        return appIds;
    }

    /**
     * The apps that could not be read at the last {@link #locate()}, why, and what they still serve; and the apps
     * whose running tasks could none of them be addressed (a wrong port name, say), with what was skipped.
     */
    @Override
    public String problem() {
        List<String> problems = new ArrayList<>();
        for (AppState state : published) {
            if (state.error() != null) {
                problems.add(state.error() + " (serving its " + state.endpoints().size()
                        + " last known endpoint(s))");
            } else if (state.unaddressable()) {
                problems.add("app " + state.appId() + ": no endpoint from its " + state.running()
                        + " running task(s): " + String.join("; ", state.skipped()));
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** What the apps read at the last {@link #locate()} skipped next to endpoints that work. */
    @Override
    public String warning() {
        List<String> skipped = new ArrayList<>();
        for (AppState state : published) {
            if (state.error() == null && !state.unaddressable()) {
                skipped.addAll(state.skipped());
            }
        }
        return skipped.isEmpty() ? null : String.join("; ", skipped);
    }

    /** The DC/OS login's metrics, when Marathon is called with one. */
    @Override
    public void bindTo(MeterRegistry registry) {
        if (client.auth() instanceof MeterBinder login) {
            login.bindTo(registry);
        }
    }

    /** Each app's state after the last {@link #locate()}; safe to read from any thread. */
    public List<AppState> appStates() {
        return published;
    }

    @Override
    public synchronized List<Endpoint> locate() throws DiscoveryException {
        Map<String, Endpoint> all = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<String> newErrors = new ArrayList<>();
        int failed = 0;
        DiscoveryException unanswered = null;
        for (String appId : appIds) {
            AppState previous = states.get(appId);
            AppState next;
            try {
                if (unanswered != null) {
                    // Every master just failed, or the login did: asking again would wait as long once more per app.
                    throw new DiscoveryException("app " + appId + ": not asked, as " + unanswered.getMessage());
                }
                MarathonClient.Answer answer;
                try {
                    answer = client.get("/v2/apps" + appId + "?embed=app.tasks");
                } catch (DiscoveryException e) {
                    unanswered = e;
                    throw e;
                }
                AppTasks.Result result = read(appId, answer);
                next = new AppState(appId, result.endpoints(), result.skipped(), result.running(), null,
                        clock.instant());
                report(previous, next, result);
            } catch (DiscoveryException e) {
                next = new AppState(appId, previous.endpoints(), previous.skipped(), previous.running(),
                        e.getMessage(), previous.lastSuccess());
                failed++;
                if (unanswered == null || unanswered == e) {
                    errors.add(e.getMessage()); // the apps not asked repeat it
                }
                if (!e.getMessage().equals(previous.error())) {
                    newErrors.add(e.getMessage() + "; keeping the " + previous.endpoints().size()
                            + " endpoint(s) last known for app " + appId);
                }
            }
            states.put(appId, next);
            next.endpoints().forEach(endpoint -> all.putIfAbsent(endpoint.url(), endpoint));
        }
        published = List.copyOf(states.values());
        if (failed == appIds.size()) {
            // The composite locator reports it, and keeps the previous answer.
            throw new DiscoveryException(String.join("; ", errors));
        }
        newErrors.forEach(LOG::warn);
        return new ArrayList<>(all.values());
    }

    private AppTasks.Result read(String appId, MarathonClient.Answer answer) throws DiscoveryException {
        String problem = switch (answer.status()) {
            case 200 -> null;
            case 404 -> "app " + appId + ": Marathon has no such app (404: " + HttpAnswers.message(answer.body()) + ")";
            case 401 -> "app " + appId + ": Marathon at " + answer.master() + " refused access (401: "
                    + HttpAnswers.message(answer.body()) + "); " + unauthorized();
            case 403 -> "app " + appId + ": Marathon at " + answer.master() + " refused access (403: "
                    + HttpAnswers.message(answer.body()) + "); the service account needs the permission"
                    + " dcos:service:marathon:marathon:services:" + appId + " read";
            default -> "app " + appId + ": Marathon at " + answer.master() + " answered HTTP " + answer.status()
                    + " (" + HttpAnswers.message(answer.body()) + ")";
        };
        if (problem != null) {
            throw new DiscoveryException(problem);
        }
        JsonNode app;
        try {
            app = json.readTree(answer.body()).path("app");
        } catch (java.io.IOException e) {
            throw new DiscoveryException("app " + appId + ": Marathon at " + answer.master()
                    + " answered 200 with a body that is not JSON");
        }
        if (!app.isObject() || !app.path("tasks").isArray()) {
            throw new DiscoveryException("app " + appId + ": Marathon at " + answer.master()
                    + " answered 200 without an 'app' object listing its 'tasks'");
        }
        try {
            return AppTasks.of(app, port, name);
        } catch (RuntimeException e) {
            // An answer unlike Marathon's API that the reading did not foresee: this app's problem, not every app's.
            throw new DiscoveryException("app " + appId + ": Marathon at " + answer.master() + " answered 200 with an"
                    + " app mpp cannot read (" + e + ")");
        }
    }

    /** Why a 401 can still come: mpp does not log in, or Marathon takes no token of the login mpp uses. */
    private String unauthorized() {
        if (client.auth() == MarathonAuth.NONE) {
            return "mpp calls Marathon without login: give a DC/OS service account's principal secret in"
                    + " MPP_MARATHON_PRINCIPAL_SECRET (or MPP_MARATHON_PRINCIPAL_SECRET_FILE, or"
                    + " DCOS_SERVICE_ACCOUNT_CREDENTIAL)";
        }
        String account = client.auth() instanceof DcosAuthenticator login ? " of service account '" + login.uid() + "'"
                : "";
        return "it rejected the auth token" + account + " also after a fresh login; check that the login endpoint"
                + " belongs to this cluster";
    }

    private static void report(AppState previous, AppState next, AppTasks.Result result) {
        if (previous.error() != null && previous.lastSuccess() != null) {
            LOG.info("app {}: Marathon answers again", next.appId());
        }
        if (!next.skipped().equals(previous.skipped())) {
            next.skipped().forEach(LOG::warn);
        }
        if (!next.endpoints().equals(previous.endpoints())) {
            LOG.info("app {}: {} endpoint(s) {} ({} task(s) not running, {} not healthy)", next.appId(),
                    next.endpoints().size(), next.endpoints(), result.notRunning(), result.notHealthy());
        }
    }
}
