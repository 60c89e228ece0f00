package io.mpp.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class HttpAnswersTest {

    @Test
    void describesAFailureWithOrWithoutAMessage() {
        Duration timeout = Duration.ofSeconds(3);
        assertThat(HttpAnswers.describe(new TimeoutException(), timeout)).isEqualTo("no answer within 3000 ms");
        assertThat(HttpAnswers.describe(new IllegalArgumentException(), timeout))
                .isEqualTo("IllegalArgumentException");
        assertThat(HttpAnswers.describe(new IllegalArgumentException("Buffering capacity 33554432 exceeded"),
                timeout)).isEqualTo("the answer is larger than 32 MiB, the most mpp reads");
        assertThat(HttpAnswers.describe(new RuntimeException(new EOFException()), timeout))
                .isEqualTo("EOFException: connection closed");
    }
}
