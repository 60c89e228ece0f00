package io.mpp.discovery.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.lifecycle.Managed;
import io.mpp.discovery.Endpoint;
import io.mpp.discovery.kubernetes.ApiServer.Events;
import io.mpp.discovery.kubernetes.ApiServer.Events.Event;
import io.mpp.util.PeerText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the locator's objects between selections and asks for a reselection as soon as the set of ready
 * backends changes, so a pod that stops being ready leaves the selection within seconds. Lists, then watches from
 * the list's resource version; a watch the server ends is resumed where it stopped, an expired one (410) is
 * replaced by a fresh list, and failures are retried with a growing pause. The selector's own list stays the source
 * of truth: this only decides when to look again.
 */
final class ReadinessWatch implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessWatch.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private final ApiServer api;
    private final ObjectSource source;
    private final Runnable reselect;
    private final int watchSeconds;
    private final String name;
    private volatile boolean running;
    /** The watch in progress, so that {@link #stop()} can end it. */
    private volatile Events current;
    private Thread thread;

    /** Ready backends as last seen by this watch; null before the first list. */
    private List<Endpoint> seen;

    ReadinessWatch(ApiServer api, ObjectSource source, Runnable reselect, Duration watchTimeout, String name) {
        this.api = api;
        this.source = source;
        this.reselect = reselect;
        this.watchSeconds = (int) Math.max(1, watchTimeout.toSeconds());
        this.name = name;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "mpp-kubernetes-watch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        Events events = current;
        if (events != null) {
            events.cancel(); // the watching thread closes them
        }
        thread.interrupt();
        thread.join(Duration.ofSeconds(5).toMillis());
    }

    /** Whether the watching thread still runs (for tests of {@link #stop()}). */
    boolean alive() {
        return thread != null && thread.isAlive();
    }

    private void loop() {
        Listing known = null;
        Duration pause = FIRST_PAUSE;
        String lastError = null;
        while (running) {
            long started = System.nanoTime();
            try {
                if (known == null) {
                    known = source.list();
                    noticeChange(known);
                }
                known = follow(known);
                if (!running) {
                    return;
                }
                if (lastError != null) {
                    LOG.info("{}: watching works again", name);
                    lastError = null;
                }
                pause = FIRST_PAUSE;
                // A server that ends watches at once must not be called in a tight loop.
                sleep(FIRST_PAUSE.minusNanos(System.nanoTime() - started));
            } catch (ApiCallException e) {
                if (!running) {
                    return;
                }
                known = null; // what changed meanwhile is only known from a fresh list
                if (e.code() == 410) {
                    LOG.debug("{}: the watched resource version expired ({}); listing again", name, e.getMessage());
                    sleep(FIRST_PAUSE.minusNanos(System.nanoTime() - started));
                    continue;
                }
                if (!e.getMessage().equals(lastError)) {
                    LOG.warn("{}: watch failed, retrying in {} ms (selection still lists at every interval): {}",
                            name, pause.toMillis(), e.getMessage());
                    lastError = e.getMessage();
                }
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug here must not end watching for good.
                LOG.error("{}: watch failed unexpectedly", name, e);
                known = null;
                sleep(LONGEST_PAUSE);
            }
        }
    }

    /** Follows one watch until the server ends it; returns the objects as they are then. */
    private Listing follow(Listing known) throws ApiCallException, InterruptedException {
        ObjectKind kind = source.kind();
        try (Events events = api.watch(kind, known.resourceVersion(), watchSeconds)) {
            current = events;
            if (!running) {
                throw new InterruptedException(); // stop() ran before this watch could be seen
            }
            Event event;
            while ((event = events.next()) != null) {
                known = apply(kind, known, event);
                noticeChange(known);
            }
            return known;
        } finally {
            current = null;
        }
    }

    private static Listing apply(ObjectKind kind, Listing known, Event event) throws ApiCallException {
        JsonNode object = event.object();
        String version = object.path("metadata").path("resourceVersion").asText(known.resourceVersion());
        String objectName = object.path("metadata").path("name").asText("");
        return switch (event.type()) {
            case "ADDED", "MODIFIED" -> known.with(objectName, kind.read(object), version);
            case "DELETED" -> known.with(objectName, null, version);
            case "BOOKMARK" -> new Listing(version, known.objects());
            case "ERROR" -> {
                int code = object.path("code").asInt(0);
                String message = PeerText.oneLine(object.path("message").asText("no message"), 1000);
                throw new ApiCallException(code, "the watch of " + kind.describe() + " ended with an error ("
                        + code + "): " + message);
            }
            default -> known;
        };
    }

    private void noticeChange(Listing listing) {
        List<Endpoint> now = listing.endpoints();
        if (!Objects.equals(now, seen)) {
            LOG.debug("{}: ready backends now {}; asking for a reselection", name, now);
            seen = now;
            reselect.run();
        }
    }

    private void sleep(Duration duration) {
        if (!running || duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            running = false;
        }
    }
}
