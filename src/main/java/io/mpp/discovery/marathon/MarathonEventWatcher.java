package io.mpp.discovery.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import io.mpp.discovery.DiscoveryException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Marathon's event stream ({@code /v2/events}) and asks for a prompt reselection when a task of a
 * configured app changes state or health. The stream is a trigger only: the locator re-reads the apps. A dropped
 * stream is reconnected after a pause that doubles while connecting fails; a stream silent for the idle timeout is
 * no failure and is reopened on the same master after the shortest pause, and so is one that ends without an event
 * after it was open for {@link #QUIET_AND_SOUND} times the shortest pause (a proxy on the way ends quiet streams).
 * Each stream after the first asks for a reselection as it opens, for the events that went by in between (a leader's
 * failover ends the stream just as the tasks change). A stream that sends a line, or one event, longer than {@link ServerSentEvents#MAX_CHARS} is dropped
 * as a failure of its master. The selection interval stays the safety net while no stream is open.
 */
public final class MarathonEventWatcher implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(MarathonEventWatcher.class);

    /** Events that change which tasks are running and healthy. */
    static final java.util.List<String> EVENT_TYPES = java.util.List.of("status_update_event",
            "health_status_changed_event", "instance_health_changed_event", "unhealthy_task_kill_event",
            "unhealthy_instance_kill_event", "app_terminated_event");
    /** Marathon sends nothing on a quiet cluster; a stream silent this long is reopened, which costs nothing. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * A stream that ends without an event this many times the shortest pause after it opened is no failure: a master
     * whose stream always ends at once is backed off, one whose streams a proxy ends when quiet is not.
     */
    static final int QUIET_AND_SOUND = 10;

    private final MarathonClient client;
    private final Set<String> appIds;
    private final Runnable reselect;
    private final Duration answerTimeout;
    private final Duration minPause;
    private final Duration maxPause;
    private final Duration idleTimeout;
    /** Told of each pause before the watcher takes it. */
    private final Consumer<Duration> pauses;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean running;
    private volatile Request current;
    private volatile String lastProblem;
    /** Whether a stream was open before: touched only by the watcher's thread. */
    private boolean followedBefore;
    private Thread thread;

    /**
     * @param answerTimeout how long to wait for the stream's response headers
     * @param minPause      pause before reconnecting after a stream that delivered events
     * @param maxPause      the longest pause while reconnecting keeps failing
     */
    public MarathonEventWatcher(MarathonClient client, Set<String> appIds, Runnable reselect, Duration answerTimeout,
                                Duration minPause, Duration maxPause) {
        this(client, appIds, reselect, answerTimeout, minPause, maxPause, IDLE_TIMEOUT, pause -> { });
    }

    /**
     * @param idleTimeout how long an open stream may stay silent before it is reopened on the same master
     * @param pauses      told of each pause before the watcher takes it
     */
    MarathonEventWatcher(MarathonClient client, Set<String> appIds, Runnable reselect, Duration answerTimeout,
                         Duration minPause, Duration maxPause, Duration idleTimeout, Consumer<Duration> pauses) {
        this.client = client;
        this.appIds = Set.copyOf(appIds);
        this.reselect = reselect;
        this.answerTimeout = answerTimeout;
        this.minPause = minPause;
        this.maxPause = maxPause;
        this.idleTimeout = idleTimeout;
        this.pauses = pauses;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, "mpp-marathon-events");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() throws InterruptedException {
        running = false;
        Request request = current;
        if (request != null) {
            request.abort(new CancellationException("mpp is stopping"));
        }
        if (thread != null) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private void loop() {
        Duration pause = minPause;
        while (running) {
            URI master = client.preferredMaster();
            try {
                boolean sound = follow(master);
                pause = sound ? minPause : longer(pause);
            } catch (DiscoveryException | IOException | ExecutionException | TimeoutException e) {
                if (!running) {
                    return;
                }
                problem(master + ": " + (e instanceof DiscoveryException ? e.getMessage()
                        : HttpAnswers.describe(e instanceof ExecutionException ? e.getCause() : e, answerTimeout)));
                if (!(e instanceof DiscoveryException) || e instanceof MarathonUnavailableException) {
                    client.failedOver(master); // a failed login or a 4xx is no reason to leave this master
                }
                pause = longer(pause);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                // A bug, or an OutOfMemoryError, must not end the thread for good while the health checks look fine.
                if (!running) {
                    return;
                }
                if (!Objects.equals(e.toString(), lastProblem)) {
                    LOG.error("Marathon event stream at {} failed unexpectedly; reconnecting with backoff", master, e);
                    lastProblem = e.toString();
                }
                pause = longer(pause);
            }
            pauses.accept(pause);
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Reads one stream until it ends; returns whether it was sound: it delivered an event, or it stayed open until
     * the idle timeout (a quiet cluster, not a failing master).
     */
    private boolean follow(URI master) throws DiscoveryException, IOException, ExecutionException, TimeoutException,
            InterruptedException {
        String authorization = client.auth().authorization();
        StringBuilder query = new StringBuilder("/v2/events");
        String separator = "?";
        for (String type : EVENT_TYPES) {
            query.append(separator).append("event_type=").append(type);
            separator = "&";
        }
        Request request = client.newRequest(master, query.toString(), authorization)
                .headers(h -> h.put("Accept", "text/event-stream"))
                .idleTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        InputStreamResponseListener listener = new InputStreamResponseListener();
        current = request;
        request.send(listener);
        Response response;
        try {
            response = listener.get(answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            // Else a master that never answers keeps the connection until the idle timeout, one more each retry.
            request.abort(e instanceof ExecutionException ? e.getCause() : e);
            current = null;
            throw e;
        }
        if (response.getStatus() == 401 && authorization != null) {
            client.auth().rejected(authorization);
        }
        if (response.getStatus() != 200) {
            request.abort(new IOException("unexpected status"));
            String problem = "the event stream answered HTTP " + response.getStatus();
            throw response.getStatus() >= 500 ? new MarathonUnavailableException(problem)
                    : new DiscoveryException(problem);
        }
        if (authorization != null) {
            client.auth().accepted(authorization);
        }
        if (lastProblem != null) {
            LOG.info("Marathon event stream at {} is connected again", master);
            lastProblem = null;
        } else {
            LOG.debug("Marathon event stream at {} connected", master);
        }
        if (followedBefore) {
            reselect.run();
        }
        followedBefore = true;
        long openedAt = System.nanoTime();
        boolean delivered = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(listener.getInputStream(),
                StandardCharsets.UTF_8))) {
            ServerSentEvents events = new ServerSentEvents(reader, ServerSentEvents.MAX_CHARS);
            ServerSentEvents.Event event;
            while (running && (event = events.next()) != null) {
                delivered = true;
                dispatch(event.type(), event.data());
            }
        } catch (ServerSentEvents.TooLargeException e) {
            // A failure of this master whatever it delivered before: reopening at once would only read it again.
            throw new MarathonUnavailableException("the event stream " + e.getMessage() + "; dropped it");
        } catch (IOException e) {
            if (isTimeout(e)) {
                // The only timeout of an open stream is the idle timeout: nothing happened, which is no failure.
                LOG.debug("Marathon event stream at {} silent for {} ms; reopening it", master,
                        idleTimeout.toMillis());
                return true;
            }
            if (!delivered && !openLong(openedAt)) {
                throw e;
            }
            LOG.debug("Marathon event stream at {} dropped: {}", master, HttpAnswers.describe(e, answerTimeout));
        } finally {
            // Closes the connection of a stream left before its end; a no-op for one that ended.
            request.abort(new CancellationException("the event stream was left"));
            current = null;
        }
        return delivered || openLong(openedAt);
    }

    private boolean openLong(long openedAt) {
        return System.nanoTime() - openedAt >= minPause.toNanos() * QUIET_AND_SOUND;
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void dispatch(String event, String data) {
        JsonNode body;
        try {
            body = json.readTree(data);
        } catch (IOException e) {
            LOG.debug("Marathon event {} has data that is not JSON; ignored", event);
            return;
        }
        if (body == null) {
            return;
        }
        String type = event != null ? event : body.path("eventType").asText("");
        String appId = body.hasNonNull("appId") ? body.get("appId").asText() : body.path("runSpecId").asText("");
        if (EVENT_TYPES.contains(type) && appIds.contains(appId)) {
            LOG.debug("Marathon event {} for app {}: reselecting", type, appId);
            reselect.run();
        }
    }

    private void problem(String message) {
        if (!Objects.equals(message, lastProblem)) {
            LOG.warn("Marathon event stream: {}; reconnecting with backoff (the selection interval still re-reads"
                    + " the apps)", message);
            lastProblem = message;
        }
    }

    private Duration longer(Duration pause) {
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(maxPause) > 0 ? maxPause : doubled;
    }
}
