package io.mpp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

/** Only a client's departure is kept out of Jersey's log; its other errors still show. */
class DepartedClientLogFilterTest {

    private static LogRecord record(Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "Error while closing the output stream in order to commit"
                + " response.");
        record.setThrown(thrown);
        return record;
    }

    @Test
    void aClientThatLeftIsNotLoggedAnythingElseIs() {
        DepartedClientLogFilter.install();
        Logger responder = Logger.getLogger(DepartedClientLogFilter.JERSEY_RESPONDER);
        // As Jersey wraps it when the answer is committed.
        assertThat(responder.getFilter().isLoggable(record(new UncheckedIOException(
                new EofException("the client closed its connection"))))).isFalse();
        assertThat(responder.getFilter().isLoggable(record(new UncheckedIOException(
                new IOException("the status could not be written"))))).isTrue();
        assertThat(responder.getFilter().isLoggable(record(new IllegalStateException("a mapper failed")))).isTrue();
        assertThat(responder.getFilter().isLoggable(record(null))).isTrue();
    }
}
