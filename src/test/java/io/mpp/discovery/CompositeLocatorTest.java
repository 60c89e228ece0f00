package io.mpp.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpp.testing.Await;
import io.mpp.testing.FixedLocator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One locator that is stuck holds up neither the selection nor the other locators. */
class CompositeLocatorTest {

    private static final Endpoint A = Endpoint.parse("http://a:9090", "fixed");
    private static final Endpoint B = Endpoint.parse("http://b:9090", "stuck");

    /** Answers B, but its second call does not return until released (a credential plugin that hangs, say). */
    private static final class StuckOnSecondCall implements Locator {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public List<Endpoint> locate() {
            if (calls.incrementAndGet() == 2) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(B);
        }
    }

    private static Locator fixed() {
        return FixedLocator.of(A);
    }

    @Test
    void aStuckLocatorKeepsItsLastListAndIsNotCalledAgainUntilItAnswers() {
        StuckOnSecondCall stuck = new StuckOnSecondCall();
        Duration deadline = Duration.ofSeconds(5);
        CompositeLocator composite = new CompositeLocator(List.of(fixed(), stuck), Clock.systemUTC(), deadline);
        assertThat(composite.locate()).containsExactly(A, B);

        try {
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                assertThat(composite.locate()).as("the last good list of the stuck one").containsExactly(A, B);
                if (i > 0) {
                    // Waiting for it again would take the whole deadline, every time.
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a call given up on is not waited"
                            + " for again").isLessThan(deadline);
                }
                CompositeLocator.LocatorState state = composite.state("stuck");
                assertThat(state.healthy()).isFalse();
                assertThat(state.lastError()).startsWith("no answer within 5s; discovery is still running");
                assertThat(state.errors()).isEqualTo(i + 1);
                assertThat(composite.state("fixed").healthy()).isTrue();
            }
            assertThat(stuck.calls).as("no second call while one runs").hasValue(2);
        } finally {
            stuck.release.countDown();
        }
        Await.until(Duration.ofSeconds(10), "the stuck locator's late answer to be taken",
                () -> !composite.locate().isEmpty() && composite.state("stuck").healthy());
        assertThat(composite.locate()).containsExactly(A, B);
        assertThat(stuck.calls.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void twoLocatorsOfOneNameAreRefused() {
        // Their calls and states would be one: the second's answer was lost, then a NullPointerException.
        assertThatThrownBy(() -> new CompositeLocator(List.of(fixed(), fixed()), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("two locators go by the name fixed");
    }

    @Test
    void stoppingInterruptsACallStillRunning() throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        Locator hanging = new Locator() {
            @Override
            public String name() {
                return "hanging";
            }

            @Override
            public List<Endpoint> locate() {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown(); // where an exec plugin's process is killed
                }
                return List.of();
            }
        };
        CompositeLocator composite = new CompositeLocator(List.of(fixed(), hanging), Clock.systemUTC(),
                Duration.ofMillis(100));
        assertThat(composite.locate()).containsExactly(A);
        composite.stop();
        Await.until(Duration.ofSeconds(10), "the hanging call to be interrupted", () -> interrupted.getCount() == 0);
    }

    @Test
    void aLocatorThatThrowsKeepsItsLastListAndTheOthersAnswer() {
        AtomicInteger calls = new AtomicInteger();
        Locator failingLater = new Locator() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public List<Endpoint> locate() throws DiscoveryException {
                if (calls.incrementAndGet() == 1) {
                    return List.of(B);
                }
                if (calls.get() == 2) {
                    throw new DiscoveryException("Marathon answered 503");
                }
                throw new IllegalStateException("a bug");
            }
        };
        CompositeLocator composite = new CompositeLocator(List.of(fixed(), failingLater), Clock.systemUTC());
        assertThat(composite.locate()).containsExactly(A, B);
        assertThat(composite.locate()).containsExactly(A, B);
        assertThat(composite.state("failing").lastError()).isEqualTo("Marathon answered 503");
        assertThat(composite.locate()).containsExactly(A, B);
        assertThat(composite.state("failing").lastError()).isEqualTo("java.lang.IllegalStateException: a bug");
        assertThat(composite.state("failing").errors()).isEqualTo(2);
    }
}
