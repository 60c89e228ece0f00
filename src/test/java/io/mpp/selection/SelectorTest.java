package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.Endpoint;
import io.mpp.discovery.Locator;
import io.mpp.testing.Await;
import io.mpp.testing.FixedLocator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SelectorTest {

    private static final Endpoint A = Endpoint.parse("http://a:9090", "t");
    private static final Endpoint B = Endpoint.parse("http://b:9090", "t");

    private final AtomicInteger locates = new AtomicInteger();
    /** What discovery lists. */
    private volatile List<Endpoint> listed = List.of(A, B);
    /** What the probe of each backend answers; a backend absent here gets a probe that never completes. */
    private final Map<Endpoint, CompletableFuture<Candidate>> probes = new ConcurrentHashMap<>();
    private Selector selector;

    private Selector selector(Strategy strategy, Duration probeDeadline) {
        return selector(strategy, probeDeadline, Duration.ofHours(1));
    }

    private Selector selector(Strategy strategy, Duration probeDeadline, Duration interval) {
        return selector(strategy, probeDeadline, interval, System::nanoTime);
    }

    private Selector selector(Strategy strategy, Duration probeDeadline, Duration interval, LongSupplier holdClock) {
        Locator locator = new FixedLocator(() -> {
            locates.incrementAndGet();
            return listed;
        });
        BackendProbe probe = endpoint -> probes.getOrDefault(endpoint, new CompletableFuture<>());
        selector = new Selector(new CompositeLocator(List.of(locator), Clock.systemUTC()), probe, strategy,
                interval, probeDeadline, Duration.ofMinutes(2), Clock.systemUTC(), holdClock);
        return selector;
    }

    @AfterEach
    void stop() {
        if (selector != null) {
            selector.stop();
        }
    }

    private static CompletableFuture<Candidate> live(Endpoint e, double samples) {
        return CompletableFuture.completedFuture(Candidate.live(e, new BackendFacts(
                Reading.of(BackendFacts.SAMPLES_2X, samples), Reading.missing("n/a"))));
    }

    /** A strategy that measures nothing and chooses with the given function. */
    private static Strategy choosing(String name, UnaryOperator<List<Candidate>> choose) {
        return new Strategy() {
            @Override
            public String describe() {
                return name;
            }

            @Override
            public String measures() {
                return "nothing";
            }

            @Override
            public Reading measure(Candidate candidate, java.time.Instant now) {
                return Reading.missing("n/a");
            }

            @Override
            public List<Candidate> choose(List<Candidate> live) {
                return choose.apply(live);
            }
        };
    }

    private static CompletableFuture<Candidate> liveUnrankable(Endpoint e) {
        return CompletableFuture.completedFuture(Candidate.live(e, BackendFacts.unknown("exposes neither")));
    }

    @Test
    void servesTheStrategysChoiceWithMeasuredValues() {
        probes.put(A, live(A, 10));
        probes.put(B, live(B, 20));
        Selection s = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1)).selectOnce();
        assertThat(s.serving()).containsExactly(B);
        assertThat(s.live()).containsExactly(A, B);
        assertThat(s.satisfied()).isTrue();
        assertThat(s.candidates()).extracting(c -> c.measured().value()).containsExactly(10.0, 20.0);
    }

    @Test
    void whenNoneQualifiesTheLiveOnesServeAndTheSelectionSaysSo() {
        probes.put(A, liveUnrankable(A));
        probes.put(B, CompletableFuture.completedFuture(Candidate.down(B, "connection refused")));
        Selection s = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1)).selectOnce();
        assertThat(s.serving()).containsExactly(A);
        assertThat(s.satisfied()).isFalse();
        assertThat(s.candidates().get(0).measured().missing()).isEqualTo("exposes neither");
        assertThat(s.candidates().get(1).error()).isEqualTo("connection refused");
    }

    @Test
    void aStandbyGoingDownOrComingBackIsLoggedThoughTheServingOneStays() {
        Logger logger = (Logger) LoggerFactory.getLogger(Selector.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            probes.put(A, live(A, 20));
            probes.put(B, live(B, 10));
            Selector selector = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1));
            selector.selectOnce();
            log.list.clear();

            probes.put(B, CompletableFuture.completedFuture(Candidate.down(B, "connection refused")));
            assertThat(selector.selectOnce().serving()).containsExactly(A);
            probes.put(B, live(B, 10));
            selector.selectOnce();
            probes.put(B, CompletableFuture.completedFuture(Candidate.busy(B, "query: no answer within 1 ms")));
            selector.selectOnce();
            probes.put(A, CompletableFuture.completedFuture(Candidate.busy(A, "query: no answer within 1 ms")));
            selector.selectOnce();
            selector.selectOnce(); // still both busy: nothing new to say
            assertThat(log.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .extracting(e -> e.getLevel() + " " + e.getFormattedMessage()).containsExactly(
                    "WARN backend http://b:9090 is down: connection refused",
                    "INFO backend http://b:9090 is live again",
                    "WARN backend http://b:9090 is busy (its /metrics answers): query: no answer within 1 ms",
                    "WARN backend http://a:9090 is busy (its /metrics answers): query: no answer within 1 ms",
                    "WARN no backend answered the probe's query in time: serving from the busy ones, whose /metrics"
                            + " answered, [http://a:9090, http://b:9090]; requests wait in their query queues");
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void withNoneLiveTheBusyOnesServeInsteadOfNone() {
        probes.put(A, CompletableFuture.completedFuture(Candidate.busy(A, "query: no answer within 2000 ms")));
        probes.put(B, CompletableFuture.completedFuture(Candidate.down(B, true, "query: answered HTTP 503")));
        Selector selector = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1));
        Selection s = selector.selectOnce();
        assertThat(s.serving()).as("busy answers in the end; starting up does not").containsExactly(A);
        assertThat(s.live()).containsExactly(A);
        assertThat(s.satisfied()).isFalse();
        assertThat(s.busy()).isTrue();
        assertThat(s.probedLive(A)).as("monitoring counts a busy backend as down").isFalse();
        assertThat(s.probedLiveCount()).isZero();

        probes.put(B, live(B, 10));
        s = selector.selectOnce();
        assertThat(s.serving()).as("a live one beats a busy one").containsExactly(B);
        assertThat(s.live()).containsExactly(B);
        assertThat(s.busy()).isFalse();
        assertThat(s.probedLiveCount()).isOne();
    }

    @Test
    void runsAreCountedAsBusyWhenBusyOnesServeAndAsFallbackOnlyWhenLiveOnesDo() throws Exception {
        probes.put(A, CompletableFuture.completedFuture(Candidate.busy(A, "query: no answer within 2000 ms")));
        probes.put(B, CompletableFuture.completedFuture(Candidate.down(B, "connection refused")));
        Selector s = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1));
        s.start();
        assertThat(s.current().busy()).isTrue();
        assertThat(s.runs(Selector.Outcome.BUSY)).isOne();
        assertThat(s.runs(Selector.Outcome.FALLBACK)).isZero();

        probes.put(B, liveUnrankable(B));
        s.reselectSoon();
        Await.until(Duration.ofSeconds(10), "the reselection", () -> s.runs(Selector.Outcome.FALLBACK) == 1);
        assertThat(s.runs(Selector.Outcome.BUSY)).isOne();
        assertThat(Selector.Outcome.BUSY.label()).isEqualTo("busy");
    }

    @Test
    void aBackendDiscoveryDropsIsStillProbedButNeverServes() {
        probes.put(A, live(A, 20));
        probes.put(B, live(B, 10));
        Selector selector = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1));
        selector.selectOnce();

        listed = List.of(B);
        probes.put(A, CompletableFuture.completedFuture(Candidate.down(A, "probe did not finish")));
        Selection s = selector.selectOnce();
        assertThat(s.serving()).containsExactly(B);
        assertThat(s.candidates()).extracting(Candidate::endpoint).containsExactly(B);
        assertThat(s.leaving()).extracting(Candidate::endpoint).containsExactly(A);
        assertThat(s.silent(A)).as("requests waiting on it may move").isTrue();

        listed = List.of(A, B);
        probes.put(A, live(A, 20));
        s = selector.selectOnce();
        assertThat(s.leaving()).isEmpty();
        assertThat(s.serving()).containsExactly(A);
    }

    @Test
    void aHungProbeCannotStallSelection() {
        probes.put(A, live(A, 1)); // B's probe never completes
        Selection s = selector(new RandomStrategy(), Duration.ofMillis(200)).selectOnce();
        assertThat(s.serving()).containsExactly(A);
        assertThat(s.candidates().get(1).live()).isFalse();
        assertThat(s.candidates().get(1).error()).isEqualTo("probe did not finish within 200 ms");
    }

    @Test
    void aFailedBackendLeavesRotationAtOnceAndManyFailuresMakeOneReselection() throws Exception {
        probes.put(A, live(A, 1));
        probes.put(B, live(B, 2));
        Selector s = selector(new RandomStrategy(), Duration.ofSeconds(1));
        s.start();
        assertThat(locates.get()).isEqualTo(1);
        assertThat(s.current().serving()).containsExactly(A, B);

        probes.put(B, CompletableFuture.completedFuture(Candidate.down(B, "connection refused")));
        for (int i = 0; i < 100; i++) {
            s.reportFailure(B, System.nanoTime(), "connection refused");
            assertThat(s.current().serving()).containsExactly(A);
        }
        Await.until(Duration.ofSeconds(10), "the reselection after the failures", () -> locates.get() >= 2);
        s.reselectSoon();
        Await.until(Duration.ofSeconds(10), "one more reselection", () -> locates.get() >= 3);
        assertThat(locates.get()).as("selections: start, one for 100 failures, one asked for").isEqualTo(3);
        assertThat(s.current().serving()).containsExactly(A);
    }

    @Test
    void aFailureDuringProbingIsNotUndoneByThePublish() throws Exception {
        CompletableFuture<Candidate> slowA = new CompletableFuture<>();
        probes.put(A, slowA);
        probes.put(B, live(B, 2));
        List<List<Endpoint>> chosenFrom = new java.util.concurrent.CopyOnWriteArrayList<>();
        Strategy recording = choosing("recording", live -> {
            chosenFrom.add(live.stream().map(Candidate::endpoint).toList());
            return live;
        });
        Selector s = selector(recording, Duration.ofSeconds(10));
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
            try {
                s.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until(Duration.ofSeconds(10), "the first selection to probe", () -> locates.get() == 1);
        s.reportFailure(A, System.nanoTime(), "connection refused");
        assertThat(s.current().serving()).doesNotContain(A);
        probes.put(A, CompletableFuture.completedFuture(Candidate.down(A, "connection refused")));
        slowA.complete(live(A, 1).join()); // its probe had passed before the request failed
        starting.get();
        assertThat(chosenFrom.get(0)).as("live backends the first selection chose from").containsExactly(B);
        assertThat(s.current().serving()).containsExactly(B);
    }

    private static Candidate candidate(Selection s, Endpoint backend) {
        return s.candidates().stream().filter(c -> c.endpoint().equals(backend)).findFirst().orElseThrow();
    }

    @Test
    void aBackendThatFailsAgainAfterBeingLetBackInIsHeldOutWhileAnotherIsLive() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Selector.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        // The holds' clock stands still unless moved: whether a hold is over never depends on the test's speed.
        AtomicLong holdClock = new AtomicLong();
        probes.put(A, live(A, 1));
        probes.put(B, live(B, 2)); // it has the most data: the strategy chooses it every time it is live
        Selector s = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1), Duration.ofHours(1),
                holdClock::get);
        try {
            s.start();
            assertThat(s.current().serving()).containsExactly(B);

            s.reportFailure(B, holdClock.get(), "answered 502");
            Await.until(Duration.ofSeconds(10), "the reselection to let B back in",
                    () -> s.current().serving().equals(List.of(B)));

            s.reportFailure(B, holdClock.get(), "answered 502"); // again, after a selection let it back in
            Await.until(Duration.ofSeconds(10), "a reselection to hold B out",
                    () -> s.current().serving().equals(List.of(A)) && candidate(s.current(), B).error() != null);
            Candidate b = candidate(s.current(), B);
            assertThat(b.live()).isFalse();
            assertThat(b.answering()).as("requests waiting on it stay").isTrue();
            assertThat(b.error()).isEqualTo("held out for another 0.4 s: it failed requests again each time a"
                    + " selection let it back in (last: answered 502)");
            assertThat(s.current().satisfied()).isTrue();
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).contains(
                    "backend http://b:9090 failed a request (answered 502) again after a selection let it back in:"
                            + " held out of rotation for 400 ms, unless no other backend is live");

            probes.put(A, CompletableFuture.completedFuture(Candidate.down(A, "connection refused")));
            s.reselectSoon();
            Await.until(Duration.ofSeconds(10), "B to serve, held or not, as the only live backend",
                    () -> s.current().serving().equals(List.of(B)));
            assertThat(candidate(s.current(), B).live()).isTrue();

            probes.put(A, live(A, 1));
            s.reselectSoon();
            Await.until(Duration.ofSeconds(10), "A to serve again, B being held still",
                    () -> s.current().serving().equals(List.of(A)));
            assertThat(candidate(s.current(), B).error()).startsWith("held out for another 0.4 s");

            holdClock.addAndGet(Duration.ofMillis(400).toNanos());
            s.reselectSoon();
            Await.until(Duration.ofSeconds(10), "B back after its hold",
                    () -> s.current().serving().equals(List.of(B)));
            assertThat(s.current().live()).containsExactly(A, B);
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aHeldBackendTakesOverWhenTheOnlyFreeOneFails() throws Exception {
        AtomicLong holdClock = new AtomicLong(); // stands still: the hold lasts as long as the test
        probes.put(A, live(A, 2)); // the most data: chosen whenever it is live and not held
        probes.put(B, live(B, 1));
        Selector s = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1), Duration.ofHours(1),
                holdClock::get);
        s.start();
        s.reportFailure(A, holdClock.get(), "answered 502");
        Await.until(Duration.ofSeconds(10), "A let back in", () -> s.current().serving().equals(List.of(A)));
        s.reportFailure(A, holdClock.get(), "answered 502");
        Await.until(Duration.ofSeconds(10), "a selection to hold A out, B serving",
                () -> s.current().serving().equals(List.of(B)) && candidate(s.current(), A).error() != null);
        assertThat(s.current().live()).as("A last, as a reserve").containsExactly(B, A);
        assertThat(s.current().probedLiveCount()).isOne();
        assertThat(s.current().pickOther(List.of())).as("B first").isEqualTo(B);

        s.reportFailure(B, holdClock.get(), "connection broken");

        // The reserve left nothing: the failing request's retry got 502, and every request 503 until a selection.
        assertThat(s.current().serving()).containsExactly(A);
    }

    @Test
    void aBackendThatFailsWhileASelectionMeasuresItIsNotLetBackIn() {
        AtomicLong holdClock = new AtomicLong();
        AtomicReference<Runnable> whileMeasuringB = new AtomicReference<>();
        Strategy mostData = new SingleMostDataStrategy();
        Strategy measuring = new Strategy() {
            @Override
            public String describe() {
                return mostData.describe();
            }

            @Override
            public String measures() {
                return mostData.measures();
            }

            @Override
            public Reading measure(Candidate candidate, java.time.Instant now) {
                Runnable during = candidate.endpoint().equals(B) ? whileMeasuringB.getAndSet(null) : null;
                if (during != null) {
                    during.run();
                }
                return mostData.measure(candidate, now);
            }

            @Override
            public List<Candidate> choose(List<Candidate> live) {
                return mostData.choose(live);
            }
        };
        probes.put(A, live(A, 1));
        probes.put(B, live(B, 2));
        Selector s = selector(measuring, Duration.ofSeconds(1), Duration.ofHours(1), holdClock::get);
        s.stop(); // no selections in the background: the test runs each one
        s.selectOnce();
        assertThat(s.current().serving()).containsExactly(B);

        // Requests sent to B under that selection fail one after another: one strike.
        s.reportFailure(B, holdClock.get(), "answered 502 (request 1)");
        whileMeasuringB.set(() -> s.reportFailure(B, holdClock.get(), "answered 502 (request 2)"));
        s.selectOnce();
        assertThat(s.current().live()).doesNotContain(B);
        s.reportFailure(B, holdClock.get(), "answered 502 (request 3)");
        s.selectOnce();

        // The selection that measured it while request 2 failed had let it back in: request 3 made a second strike.
        assertThat(candidate(s.current(), B).error()).isNull();
        assertThat(s.current().serving()).containsExactly(B);
    }

    @Test
    void aBackendThatKeepsFailingAtTheLongestHoldIsLoggedOnceInAWhileAndItsRecoveryOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Selector.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        AtomicLong holdClock = new AtomicLong();
        probes.put(A, live(A, 1));
        probes.put(B, live(B, 2)); // chosen whenever it is live
        // Holds of 0, 0.4 and 0.8 s, then the longest, the interval: strikes 4, 5, ... are at the longest.
        Selector s = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1), Duration.ofSeconds(1),
                holdClock::get);
        try {
            s.start();
            int quietFrom = 0;
            for (int strike = 1; strike <= 8; strike++) {
                if (strike == 6) {
                    quietFrom = log.list.size(); // from the second strike at the longest hold on
                }
                s.reportFailure(B, holdClock.get(), "answered 502");
                long hold = strike == 1 ? 0 : Math.min(Duration.ofMillis(200L << (strike - 1)).toNanos(),
                        Duration.ofSeconds(1).toNanos());
                if (hold > 0) {
                    Await.until(Duration.ofSeconds(10), "a selection holding B out", () ->
                            s.current().serving().equals(List.of(A)) && candidate(s.current(), B).error() != null);
                    holdClock.addAndGet(hold);
                    s.reselectSoon();
                }
                Await.until(Duration.ofSeconds(10), "a selection letting B back in",
                        () -> s.current().serving().equals(List.of(B)) && candidate(s.current(), B).live());
            }
            List<String> loud = log.list.subList(quietFrom, log.list.size()).stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(loud).as("lines about strikes 6 to 8 and their selections").isEmpty();
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).contains(
                    "backend http://b:9090 failed a request (answered 502) again after a selection let it back in:"
                            + " held out of rotation for 1000 ms, unless no other backend is live; while this goes"
                            + " on, one in 30 such strikes is logged at WARN, the rest and the selections they cause"
                            + " at DEBUG");

            // Other news is still news: A goes down while B keeps failing.
            int before = log.list.size();
            probes.put(A, CompletableFuture.completedFuture(Candidate.down(A, "connection refused")));
            s.reportFailure(B, holdClock.get(), "answered 502");
            Await.until(Duration.ofSeconds(10), "B to serve, held or not, as the only live backend",
                    () -> s.current().serving().equals(List.of(B)) && !candidate(s.current(), A).live());
            assertThat(log.list.subList(before, log.list.size())).filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .contains("backend http://a:9090 is down: connection refused");
            assertThat(log.list.subList(before, log.list.size())).filteredOn(e -> e.getLevel() == Level.INFO)
                    .extracting(ILoggingEvent::getFormattedMessage).anyMatch(m -> m.startsWith(
                            "selected 1 of 2 candidate(s) (single-most-data): [http://b:9090]"));
            probes.put(A, live(A, 1));

            holdClock.addAndGet(Duration.ofSeconds(3).toNanos()); // no failure for longer than twice the longest hold
            s.reselectSoon();
            Await.until(Duration.ofSeconds(10), "B's strikes to be forgotten", () -> log.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().equals("backend http://b:9090 has failed no request for a"
                            + " while since a selection let it back in: it is held out no more, and its failures are"
                            + " logged at WARN again")));
            s.reportFailure(B, holdClock.get(), "answered 502");
            assertThat(log.list.get(log.list.size() - 1).getLevel()).as("a failure after the recovery").isEqualTo(
                    Level.WARN);
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aHoldEndsWithASelectionThatLetsTheBackendBackIn() throws Exception {
        probes.put(A, live(A, 1));
        probes.put(B, live(B, 2));
        Selector s = selector(new SingleMostDataStrategy(), Duration.ofSeconds(1), Duration.ofHours(1));
        s.start();
        s.reportFailure(B, System.nanoTime(), "answered 502");
        Await.until(Duration.ofSeconds(10), "the reselection to let B back in",
                () -> s.current().serving().equals(List.of(B)));
        assertThat(locates.get()).isEqualTo(2);

        s.reportFailure(B, System.nanoTime(), "answered 502"); // a hold of 400 ms, with the next interval an hour away
        // The prompt reselection, then the one at the hold's end: ordered on the selector's one thread, never merged.
        // The latter runs after the hold by the same clock, and lets B back in.
        Await.until(Duration.ofSeconds(10), "a selection at the hold's end to let B back in",
                () -> locates.get() == 4 && s.current().serving().equals(List.of(B)));
        assertThat(candidate(s.current(), B).live()).isTrue();
    }

    @Test
    void anErrorInOneRunDoesNotEndThePeriodicSelection() throws Exception {
        probes.put(A, live(A, 1));
        probes.put(B, live(B, 2));
        AtomicInteger chosen = new AtomicInteger();
        Strategy failingOnce = choosing("all live, but the second run fails", live -> {
            if (chosen.incrementAndGet() == 2) {
                throw new OutOfMemoryError("test: the first periodic run fails with an Error");
            }
            return live;
        });
        Selector s = selector(failingOnce, Duration.ofSeconds(1), Duration.ofMillis(100));
        s.start();
        Await.until(Duration.ofSeconds(10), "periodic runs after the one that failed", () -> chosen.get() >= 4);
        assertThat(s.runs(Selector.Outcome.FAILED)).isEqualTo(1);
        assertThat(s.current().serving()).containsExactlyInAnyOrder(A, B);
    }
}
