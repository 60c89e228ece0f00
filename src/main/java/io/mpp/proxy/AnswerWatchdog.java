package io.mpp.proxy;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices requests that are late: an answer that has not started in time, an exchange past its timeout. Requests
 * register with a lock-free queue (one CAS); one thread sweeps it a few times per headers timeout. A per-request
 * timer would take a lock in the scheduler's queue twice per request.
 */
final class AnswerWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerWatchdog.class);

    /** A request in flight. */
    interface Watched {
        /** False once the request ended: the watchdog forgets it. */
        boolean waiting();

        /** The {@link System#nanoTime()} after which it is overdue; it may move as the request goes on. */
        long deadline();

        /** Called at every sweep once overdue, until it stops waiting or its deadline moves on. Must not block. */
        void overdue();
    }

    private final ConcurrentLinkedQueue<Watched> watched = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService sweeper;

    /** Sweeps every tenth of the headers timeout, between 10 and 100 ms: that is how late an overdue answer is seen. */
    AnswerWatchdog(Duration headersTimeout) {
        long millis = Math.max(10, Math.min(100, headersTimeout.toMillis() / 10));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mpp-answer-watchdog");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
    }

    void watch(Watched w) {
        watched.offer(w);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Watched> it = watched.iterator(); it.hasNext(); ) {
            Watched w = it.next();
            try {
                if (!w.waiting()) {
                    it.remove();
                } else if (now - w.deadline() >= 0) {
                    w.overdue();
                }
            } catch (RuntimeException e) {
                // One bad entry must not stop the watch over the others.
                it.remove();
                LOG.error("answer watchdog: dropping a request it could not check", e);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
