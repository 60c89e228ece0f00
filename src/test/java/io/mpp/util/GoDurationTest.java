package io.mpp.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void parsesGoSyntaxAndDays() {
        assertThat(GoDuration.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("2h30m")).isEqualTo(Duration.ofMinutes(150));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(GoDuration.parse(" 90s ")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("1.001s")).as("exact, not rounded down by doubles")
                .isEqualTo(Duration.ofMillis(1001));
        assertThat(GoDuration.parse("0.3s")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoDuration.parse("1.000000001s")).isEqualTo(Duration.ofNanos(1_000_000_001));
    }

    @Test
    void takesGoNumbersSignAndMicroSpellings() {
        assertThat(GoDuration.parse(".5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDuration.parse("1.s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(GoDuration.parse("1.m.5s")).isEqualTo(Duration.ofMillis(60_500));
        assertThat(GoDuration.parse("+1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(GoDuration.parse(" +1m30s ")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("+0")).isEqualTo(Duration.ZERO);
        assertThat(GoDuration.parse("1\u03bcs")).as("Greek mu").isEqualTo(Duration.ofNanos(1000));
        assertThat(GoDuration.parse("1\u00b5s")).as("micro sign").isEqualTo(Duration.ofNanos(1000));
        assertThat(GoDuration.parse("1us")).isEqualTo(Duration.ofNanos(1000));
    }

    @Test
    void rejectsWhatGoWouldRejectWithAMessageSayingWhatIsAccepted() {
        for (String bad : new String[] {"10", "10x", "s", "1m 30s", "-5s", "", "ten seconds", "1h30", "+", "++1s",
                "+-1s", "1s+1s", ".s", ".", "1..5s", "1.5.s", "-.5s", "1\u00b5", "1ss"}) {
            assertThatThrownBy(() -> GoDuration.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("such as 500ms, 10s, 1m30s");
        }
    }

    @Test
    void formatsLikeGo() {
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(GoDuration.format(Duration.ofNanos(500_000))).isEqualTo("500us");
        assertThat(GoDuration.format(Duration.ofNanos(1_500))).isEqualTo("1500ns");
        assertThat(GoDuration.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @Test
    void formatsPartsUnderAMillisecondOfLongerDurationsLikeGo() {
        assertThat(GoDuration.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
        assertThat(GoDuration.format(Duration.ofNanos(999_999_999))).isEqualTo("999.999999ms");
        assertThat(GoDuration.format(Duration.ofNanos(1_000_500_000))).isEqualTo("1.0005s");
        assertThat(GoDuration.format(Duration.ofNanos(1_000_000_001))).isEqualTo("1.000000001s");
        assertThat(GoDuration.format(Duration.ofMillis(60_500))).isEqualTo("1m0.5s");
        assertThat(GoDuration.format(Duration.ofDays(7).plusMillis(1))).as("not whole days").isEqualTo("168h0.001s");
        assertThat(GoDuration.format(Duration.ofMillis(1))).isEqualTo("1ms");
        for (String text : new String[] {"1.5ms", "1.0005s", "2h30m", "1m0.5s", "250ms", "7d", "500us", "1500ns"}) {
            assertThat(GoDuration.format(GoDuration.parse(text))).as("round trip").isEqualTo(text);
        }
    }
}
