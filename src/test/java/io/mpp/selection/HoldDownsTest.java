package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpp.discovery.Endpoint;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HoldDownsTest {

    private static final Endpoint A = Endpoint.parse("http://a:9090", "t");
    private static final Endpoint B = Endpoint.parse("http://b:9090", "t");
    private static final Duration GAP = Duration.ofMillis(200);

    /** The holds' clock, moved by hand; it starts far from 0, as System.nanoTime() may, near the overflow. */
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
    private final HoldDowns holds = new HoldDowns(GAP, Duration.ofSeconds(10), now::get);

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    /** A request sent just now failed. */
    private Duration failed(Endpoint backend, String why) {
        return holds.failed(backend, now.get(), why);
    }

    /** A selection lets the backend back in, and one of its requests fails at once. */
    private Duration letBackInAndFail(Endpoint backend) {
        holds.letBackIn(backend);
        return failed(backend, "answered 502");
    }

    @Test
    void eachStrikeAfterTheFirstHoldsTwiceAsLongAsTheOneBefore() {
        assertThat(failed(A, "answered 502")).as("strike 1: out until the next selection").isZero();
        assertThat(holds.held(A)).isNull();
        assertThat(letBackInAndFail(A)).isEqualTo(Duration.ofMillis(400));
        assertThat(holds.held(A)).isEqualTo(new HoldDowns.Hold(Duration.ofMillis(400), "answered 502"));
        advance(Duration.ofMillis(150));
        assertThat(holds.held(A).left()).isEqualTo(Duration.ofMillis(250));
        advance(Duration.ofMillis(250));
        assertThat(holds.held(A)).as("its hold is over").isNull();
        assertThat(letBackInAndFail(A)).isEqualTo(Duration.ofMillis(800));
        advance(Duration.ofMillis(800));
        assertThat(letBackInAndFail(A)).isEqualTo(Duration.ofMillis(1600));
        assertThat(holds.held(B)).as("another backend's").isNull();
    }

    @Test
    void failuresWithNoSelectionLettingItBackInBetweenAreOneStrike() {
        assertThat(failed(A, "connection refused")).isZero();
        assertThat(letBackInAndFail(A)).isEqualTo(Duration.ofMillis(400));
        for (int i = 0; i < 16; i++) { // requests that were under way together
            advance(Duration.ofMillis(5));
            assertThat(failed(A, "answered 502 (" + i + ")")).isZero();
        }
        assertThat(holds.held(A)).as("the hold the strike started, with the last failure's reason")
                .isEqualTo(new HoldDowns.Hold(Duration.ofMillis(400 - 16 * 5), "answered 502 (15)"));
        advance(Duration.ofMillis(400));
        assertThat(letBackInAndFail(A)).as("strike 3").isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void aSlowRequestSentBeforeTheLetBackInIsNoNewStrike() {
        failed(A, "answered 502");
        long sentBefore = now.get();
        advance(Duration.ofMillis(300));
        holds.letBackIn(A);
        advance(Duration.ofMillis(50));
        assertThat(holds.failed(A, sentBefore, "timed out")).as("it says nothing of the backend since").isZero();
        assertThat(holds.held(A)).isNull();
        assertThat(failed(A, "answered 502")).as("a request sent after the let-back-in").isEqualTo(
                Duration.ofMillis(400));
    }

    @Test
    void letBackInTwiceIsStillOneChance() {
        failed(A, "answered 502");
        holds.letBackIn(A);
        holds.letBackIn(A);
        assertThat(failed(A, "answered 502")).isEqualTo(Duration.ofMillis(400));
        assertThat(failed(A, "answered 502")).isZero();
    }

    @Test
    void noHoldIsLongerThanTheSelectionInterval() {
        failed(A, "answered 502");
        Duration last = Duration.ZERO;
        for (int strike = 2; strike <= 70; strike++) {
            last = letBackInAndFail(A);
            assertThat(last).as("strike %d", strike).isLessThanOrEqualTo(Duration.ofSeconds(10)).isPositive();
            advance(last);
        }
        assertThat(last).isEqualTo(Duration.ofSeconds(10)); // 200 ms * 2^6 = 12.8 s capped
    }

    @Test
    void aSelectionIntervalBelowTheGapHoldsForTheGap() {
        HoldDowns fast = new HoldDowns(GAP, Duration.ofMillis(50), now::get);
        fast.failed(A, now.get(), "answered 502");
        fast.letBackIn(A);
        assertThat(fast.failed(A, now.get(), "answered 502")).isEqualTo(GAP);
    }

    @Test
    void anIntervalOfCenturiesStillHolds() {
        // Twice 200 years of nanoseconds overflowed, and a strike was forgotten after a second instead of 400 years.
        HoldDowns slow = new HoldDowns(GAP, Duration.ofDays(365 * 200), now::get);
        slow.failed(A, now.get(), "answered 502");
        slow.letBackIn(A);
        assertThat(slow.failed(A, now.get(), "answered 502")).isEqualTo(Duration.ofMillis(400));
        advance(Duration.ofSeconds(2));
        slow.failed(A, now.get(), "answered 502"); // a request under way with the one that struck
        slow.letBackIn(A);
        assertThat(slow.failed(A, now.get(), "answered 502")).as("strike 3").isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void aFailureThatComesLateAfterTheLetBackInStartsTheCountAgain() {
        failed(A, "answered 502");
        assertThat(letBackInAndFail(A)).isEqualTo(Duration.ofMillis(400));
        advance(Duration.ofMillis(400));
        holds.letBackIn(A);
        advance(Duration.ofSeconds(1)); // soon: within a second, or twice the hold just served
        assertThat(failed(A, "answered 502")).as("strike 3").isEqualTo(Duration.ofMillis(800));
        advance(Duration.ofMillis(800));
        holds.letBackIn(A);
        advance(Duration.ofMillis(1600).plusNanos(1));
        assertThat(failed(A, "answered 502")).as("strike 1 again").isZero();
        assertThat(letBackInAndFail(A)).as("strike 2 again").isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void afterALongHoldAFailureWithinTwiceThatHoldKeepsIt() {
        failed(A, "answered 502");
        Duration hold = Duration.ZERO;
        while (hold.compareTo(Duration.ofSeconds(10)) < 0) {
            advance(hold);
            hold = letBackInAndFail(A);
        }
        advance(hold);
        holds.letBackIn(A);
        advance(Duration.ofSeconds(19)); // it served a while, then failed again
        assertThat(failed(A, "answered 502")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anOccasionalFailureNeverHolds() {
        // One failed request every 15 s, thousands of good ones between: each selection lets it back in at once.
        for (int i = 0; i < 8; i++) {
            assertThat(failed(A, "answered 502")).as("failure %d", i).isZero();
            advance(Duration.ofMillis(200));
            holds.letBackIn(A);
            advance(Duration.ofMillis(14_800));
        }
    }

    @Test
    void backendsWithoutARecentFailureAreForgotten() {
        failed(A, "answered 502");
        advance(Duration.ofSeconds(15));
        failed(B, "answered 502");
        holds.forgetQuiet();
        assertThat(holds.tracked()).isEqualTo(2);
        advance(Duration.ofSeconds(5).plusNanos(1));
        holds.forgetQuiet();
        assertThat(holds.tracked()).as("A failed more than 20 s ago").isOne();
        advance(Duration.ofSeconds(15));
        holds.forgetQuiet();
        assertThat(holds.tracked()).isZero();
    }

    @Test
    void theHoldSaysWhy() {
        assertThat(new HoldDowns.Hold(Duration.ofMillis(3200), "answered 502").describe()).isEqualTo(
                "held out for another 3.2 s: it failed requests again each time a selection let it back in"
                        + " (last: answered 502)");
    }
}
