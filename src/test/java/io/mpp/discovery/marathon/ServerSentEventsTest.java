package io.mpp.discovery.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    private static ServerSentEvents events(String text, int maxChars) {
        return new ServerSentEvents(new BufferedReader(new StringReader(text)), maxChars);
    }

    @Test
    void readsEventsEndedByAnyLineBreakAndJoinsDataLines() throws Exception {
        ServerSentEvents events = events(": comment\r\nevent: a\r\ndata: {\"x\":\r\ndata: 1}\r\n\r\n"
                + "data: two\n\nevent: three\rdata: 3\r\rdata: cut off", 100);
        assertThat(events.next()).isEqualTo(new ServerSentEvents.Event("a", "{\"x\":\n1}"));
        assertThat(events.next()).isEqualTo(new ServerSentEvents.Event(null, "two"));
        assertThat(events.next()).isEqualTo(new ServerSentEvents.Event("three", "3"));
        assertThat(events.next()).isNull();
    }

    @Test
    void aLineOrAnEventOverTheBoundIsRefused() {
        assertThatThrownBy(() -> events("x".repeat(101) + "\n\n", 100).next())
                .isInstanceOf(ServerSentEvents.TooLargeException.class)
                .hasMessage("sent a line of more than 100 characters");
        assertThatThrownBy(() -> events("data: 1234567890\n".repeat(10), 100).next())
                .isInstanceOf(ServerSentEvents.TooLargeException.class)
                .hasMessage("sent an event with more than 100 characters of data");
    }
}
