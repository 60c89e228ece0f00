package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpp.discovery.Endpoint;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectionTest {

    private static final Endpoint A = Endpoint.parse("http://a:9090", "t");
    private static final Endpoint B = Endpoint.parse("http://b:9090", "t");
    private static final Endpoint C = Endpoint.parse("http://c:9090", "t");

    @Test
    void pickOtherPrefersUntriedServingThenUntriedLive() {
        Selection s = new Selection(List.of(A), List.of(A, B, C), List.of(), Instant.EPOCH, true);
        assertThat(s.pickOther(List.of())).isEqualTo(A);
        Set<Endpoint> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(s.pickOther(List.of(A)));
        }
        assertThat(seen).containsExactlyInAnyOrder(B, C);
        assertThat(s.pickOther(List.of(A, B, C))).isNull();
    }

    @Test
    void aHeldBackendIsTheLastResortOfRetriesAndOfAFailure() {
        // C is live by its probe but held out for failing requests again and again: last in live, as a reserve.
        List<Candidate> probed = List.of(Candidate.live(A, BackendFacts.unknown("t")),
                Candidate.live(B, BackendFacts.unknown("t")), Candidate.down(C, true, "held out for another 1.0 s"));
        Selection s = new Selection(List.of(A), List.of(A, B, C), probed, Instant.EPOCH, true);
        for (int i = 0; i < 50; i++) {
            assertThat(s.pickOther(List.of(A))).isEqualTo(B);
        }
        assertThat(s.pickOther(List.of(A, B))).isEqualTo(C);

        Selection afterA = s.without(A);
        assertThat(afterA.serving()).as("the free one, not the held one").containsExactly(B);
        assertThat(afterA.without(B).serving()).as("then the held one, rather than none").containsExactly(C);
    }

    @Test
    void withoutTheOnlyServingBackendTheLiveOnesServeUnsatisfied() {
        Selection s = new Selection(List.of(A), List.of(A, B), List.of(), Instant.EPOCH, true);
        Selection after = s.without(A);
        assertThat(after.serving()).containsExactly(B);
        assertThat(after.live()).containsExactly(B);
        assertThat(after.satisfied()).isFalse();
        assertThat(after.without(B).pick()).isNull();
        assertThat(s.without(C)).isSameAs(s);
    }

    @Test
    void withoutOneOfSeveralServingStaysSatisfied() {
        Selection s = new Selection(List.of(A, B), List.of(A, B, C), List.of(), Instant.EPOCH, true);
        Selection after = s.without(B);
        assertThat(after.serving()).containsExactly(A);
        assertThat(after.live()).containsExactly(A, C);
        assertThat(after.satisfied()).isTrue();
    }

    @Test
    void withoutTheLastLiveBackendTheBusyOnesServeButNeverOneThatFailedBefore() {
        List<Candidate> probed = List.of(Candidate.live(A, BackendFacts.unknown("t")), Candidate.busy(B, "late"),
                Candidate.busy(C, "late"), Candidate.down(Endpoint.parse("http://d:9090", "t"), "refused"));
        Selection s = new Selection(List.of(A), List.of(A), probed, Instant.EPOCH, true);

        Selection afterA = s.without(A);
        assertThat(afterA.serving()).containsExactlyInAnyOrder(B, C);
        assertThat(afterA.busy()).isTrue();
        assertThat(afterA.satisfied()).isFalse();
        assertThat(afterA.probedLiveCount()).isZero();

        Selection afterB = afterA.without(B);
        assertThat(afterB.serving()).containsExactly(C);
        assertThat(afterB.without(C).pick()).as("B failed already: only a selection brings it back").isNull();
    }
}
