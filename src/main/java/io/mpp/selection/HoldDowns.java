package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Holds out of rotation, for a while, a backend that fails requests again each time a selection lets it back in.
 *
 * <p>A failed request takes a backend out until the next selection, which runs promptly. When its probe passes while
 * its requests fail (an auth proxy in front of it that lets the probe's query through, a broken query path), the
 * probe would let it back in at once and the next request would fail again: a selection, a failed attempt and a few
 * log lines every {@link Selector#MIN_GAP}, for as long as it lasts. So a failure after a selection let the backend
 * back in soon after is a new strike, and from the second strike on the backend is held out for the first hold
 * times 2^(strike - 1) (400 ms, 800 ms, ... with a first hold of 200 ms), at most the selection interval. Failures of
 * requests that were under way together are one strike: they say nothing new; nor does a request sent before the
 * let-back-in that fails after it (a slow one). A failure that comes later than soon
 * (a second, or twice the hold just served) is an occasional one: the count starts again, with no hold. Strikes are
 * forgotten once the last failure, or the let-back-in after it, is older than twice the longest hold.
 *
 * <p>Request threads report failures, the selector thread asks and lets back in; the methods are synchronized, and
 * they run on failures and once per candidate and selection, never on a request that succeeds.
 */
final class HoldDowns {

    /**
     * What one backend's recent failures came to.
     *
     * @param count       strikes so far
     * @param lastFailure when it last failed a request, by the clock
     * @param letBackIn   whether a selection let it back in since the last strike
     * @param letBackInAt when, by the clock; meaningful only with {@code letBackIn}
     * @param hold        the hold of the last strike, in nanoseconds; 0 for none
     * @param heldUntil   when its hold ends, by the clock; at or before {@code lastFailure} when there is none
     * @param why         why its last failed request failed
     */
    private record Strikes(int count, long lastFailure, boolean letBackIn, long letBackInAt, long hold,
                           long heldUntil, String why) {

        Strikes failedAgain(long now, String reason) {
            return new Strikes(count, now, false, letBackInAt, hold, heldUntil, reason);
        }
    }

    /** A hold in force: how long it lasts still, and why the backend's last failed request failed. */
    record Hold(Duration left, String why) {

        /** Why the backend is not live, for its candidate: the status page and the log show it. */
        String describe() {
            return String.format(Locale.ROOT, "held out for another %.1f s: it failed requests again each time a"
                    + " selection let it back in (last: %s)", left.toNanos() / 1e9, why);
        }
    }

    private final long firstHold;
    private final long longestHold;
    /** How soon after a let-back-in a failure must come, at least, to be a strike that holds. */
    private final long soon;
    private final long forgetAfter;
    /** The first strike whose hold is the longest. */
    private final int firstAtLongest;
    private final LongSupplier nanos;
    private final Map<Endpoint, Strikes> strikes = new HashMap<>();

    /**
     * @param firstHold the hold of strike n (n &ge; 2) is this times 2^(n - 1); the first strike holds nothing
     * @param interval  the selection interval: no hold is longer (nor shorter than {@code firstHold})
     * @param nanos     the clock, as {@link System#nanoTime()}
     */
    HoldDowns(Duration firstHold, Duration interval, LongSupplier nanos) {
        this.firstHold = firstHold.toNanos();
        this.longestHold = Math.max(interval.toNanos(), this.firstHold);
        this.soon = 5 * this.firstHold;
        // Saturated: an interval of over 146 years (Go's durations reach 292) would overflow, and nothing be held.
        this.forgetAfter = Math.max(longestHold > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * longestHold, soon);
        int strike = 2;
        while (holdOf(strike) < longestHold) {
            strike++;
        }
        this.firstAtLongest = strike;
        this.nanos = nanos;
    }

    /**
     * Records a failed request of the backend; the hold this failure starts, or zero when it starts none.
     *
     * @param sentAt when the request was sent to the backend, by the clock
     */
    synchronized Duration failed(Endpoint backend, long sentAt, String why) {
        long now = nanos.getAsLong();
        Strikes last = strikes.get(backend);
        if (last != null && last.letBackIn() && sentAt - last.letBackInAt() < 0) {
            // Sent before the let-back-in: it tells nothing of how the backend has done since.
            return Duration.ZERO;
        }
        if (last != null && !last.letBackIn() && now - last.lastFailure() <= forgetAfter) {
            // Under way with the request that struck, or sent before the backend left: the same strike.
            strikes.put(backend, last.failedAgain(now, why));
            return Duration.ZERO;
        }
        if (last == null || !last.letBackIn() || now - last.letBackInAt() > Math.max(soon, 2 * last.hold())) {
            // The first strike holds nothing: out until the next selection, as for any failure.
            strikes.put(backend, new Strikes(1, now, false, now, 0, now, why));
            return Duration.ZERO;
        }
        int count = last.count() + 1;
        long hold = holdOf(count);
        strikes.put(backend, new Strikes(count, now, false, last.letBackInAt(), hold, now + hold, why));
        return Duration.ofNanos(hold);
    }

    /** The backend's hold, or null when none is in force. */
    synchronized Hold held(Endpoint backend) {
        Strikes s = strikes.get(backend);
        long left = s == null ? 0 : s.heldUntil() - nanos.getAsLong();
        return left > 0 ? new Hold(Duration.ofNanos(left), s.why()) : null;
    }

    /** A selection published the backend as live: its next failure is a new strike. */
    synchronized void letBackIn(Endpoint backend) {
        long now = nanos.getAsLong();
        strikes.computeIfPresent(backend, (b, s) -> s.letBackIn() ? s
                : new Strikes(s.count(), s.lastFailure(), true, now, s.hold(), s.heldUntil(), s.why()));
    }

    /**
     * Forgets the backends whose last failure is too old to count; so does a backend discovery dropped.
     *
     * @return those of them whose strikes had come at the longest hold twice or more: their recovery is news
     */
    synchronized List<Endpoint> forgetQuiet() {
        long now = nanos.getAsLong();
        List<Endpoint> recovered = new ArrayList<>();
        strikes.entrySet().removeIf(e -> {
            boolean quiet = now - lastNews(e.getValue()) > forgetAfter;
            if (quiet && e.getValue().hold() >= longestHold && e.getValue().count() > firstAtLongest) {
                recovered.add(e.getKey());
            }
            return quiet;
        });
        return recovered;
    }

    /**
     * How many strikes in a row the backend has had at the longest hold (which ends with a selection at the interval),
     * counting from 1; 0 when its last strike held it less, or there is none. From the second on, each let-back-in
     * and strike repeats what the log said already.
     */
    synchronized int atLongest(Endpoint backend) {
        Strikes s = strikes.get(backend);
        return s == null || s.hold() < longestHold ? 0 : s.count() - firstAtLongest + 1;
    }

    /** How many backends it keeps strikes of. */
    synchronized int tracked() {
        return strikes.size();
    }

    /** The last failure, or the let-back-in after it: a failure within twice a hold of the latter still counts. */
    private static long lastNews(Strikes s) {
        return s.letBackIn() && s.letBackInAt() - s.lastFailure() > 0 ? s.letBackInAt() : s.lastFailure();
    }

    /** The hold of a strike: none for the first, the first hold times 2^(strike - 1) after, at most the longest. */
    private long holdOf(int strike) {
        if (strike < 2) {
            return 0;
        }
        long hold = firstHold;
        for (int i = 1; i < strike && hold < longestHold; i++) {
            hold *= 2;
        }
        return Math.min(hold, longestHold);
    }
}
