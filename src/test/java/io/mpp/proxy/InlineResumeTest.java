package io.mpp.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** Which jobs the server's pool runs in place: one connection resume, and only while a proxied answer completes. */
class InlineResumeTest {

    private final HttpConnection connection = new HttpConnection(new HttpConfiguration(),
            new ServerConnector(new Server()), new ByteArrayEndPoint());

    @Test
    void theFirstConnectionResumeWhileCompletingRunsInPlace() {
        List<Boolean> taken = new ArrayList<>();
        InlineResume.succeed(Callback.from(() -> {
            taken.add(InlineResume.takes(() -> { }));
            taken.add(InlineResume.takes(connection));
            taken.add(InlineResume.takes(connection));
        }));
        assertThat(taken).containsExactly(false, true, false);
    }

    @Test
    void nothingRunsInPlaceOutsideACompletion() {
        assertThat(InlineResume.takes(connection)).isFalse();
        InlineResume.succeed(Callback.NOOP);
        assertThat(InlineResume.takes(connection)).as("after the completion").isFalse();
    }

    @Test
    void aFailingCompletionLeavesNothingBehind() {
        try {
            InlineResume.succeed(Callback.from(() -> {
                throw new IllegalStateException("boom");
            }));
        } catch (IllegalStateException expected) {
            // Callback.from passes the exception on
        }
        assertThat(InlineResume.takes(connection)).isFalse();
    }
}
