package io.mpp.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpp.proxy.AnswerListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.ByteArrayEndPoint;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** One backend connection on an in-memory endpoint, where the test decides when bytes go out and come in. */
class Http1ConnectionTest {

    private static final String REQUEST = "GET /api/v1/query?query=up HTTP/1.1\r\nHost: h\r\n\r\n";

    private final Http1Pool pool = new Http1Pool(new ClientConnector()::connect, Runnable::run,
            new Http1Client.Limits(Duration.ofSeconds(30), 8192), "127.0.0.1", 9090, "", 4, p -> { });
    /** Output room for 16 bytes: a longer request stays half-written until the test takes the output. */
    private final ByteArrayEndPoint endPoint = new ByteArrayEndPoint(new byte[0], 16, false);
    private final Http1Connection connection = new Http1Connection(endPoint, Runnable::run, pool);
    private final AtomicInteger status = new AtomicInteger();
    private final StringBuilder body = new StringBuilder();
    private final AtomicReference<String> end = new AtomicReference<>();

    private final AnswerListener listener = new AnswerListener() {
        @Override
        public void onHead(int code, HttpFields headers) {
            status.set(code);
        }

        @Override
        public void onContent(ByteBuffer chunk, boolean last, Callback taken) {
            body.append(BufferUtil.toString(chunk, StandardCharsets.ISO_8859_1));
            taken.succeeded();
        }

        @Override
        public void onComplete(Throwable failure) {
            end.set(failure == null ? "whole" : failure.toString());
        }
    };

    @Test
    void theConnectionIsFreeOnlyOnceTheRequestIsWrittenEvenWhenTheAnswerCameFirst() {
        endPoint.setConnection(connection);
        connection.onOpen();
        connection.send(new Http1Call(pool, ByteBuffer.wrap(REQUEST.getBytes(StandardCharsets.ISO_8859_1)), null,
                false, listener));

        endPoint.addInput("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(end.get()).as("the client has its answer at once").isEqualTo("whole");
        assertThat(status.get()).isEqualTo(200);
        assertThat(body.toString()).isEqualTo("ok");
        assertThat(pool.idle()).as("free while its request is still being written").isZero();

        StringBuilder written = new StringBuilder();
        while (written.length() < REQUEST.length()) {
            written.append(BufferUtil.toString(endPoint.takeOutput(), StandardCharsets.ISO_8859_1));
        }
        assertThat(written.toString()).isEqualTo(REQUEST);
        assertThat(pool.idle()).as("free once both halves are done").isEqualTo(1);
    }

    @Test
    void aRequestIsSentFromItsWritingOnButNotWhenTheWritingFails() {
        endPoint.setConnection(connection);
        connection.onOpen();
        Http1Call whole = new Http1Call(pool, ByteBuffer.wrap(REQUEST.getBytes(StandardCharsets.ISO_8859_1)), null,
                false, listener);
        connection.send(whole);
        // The answer may come before the write's completion is told: it is sent from the start.
        assertThat(whole.sent()).as("16 of its bytes are out").isTrue();

        ByteArrayEndPoint closing = new ByteArrayEndPoint(new byte[0], 16, false);
        Http1Connection other = new Http1Connection(closing, Runnable::run, pool);
        closing.setConnection(other);
        other.onOpen();
        Http1Call half = new Http1Call(pool, ByteBuffer.wrap(REQUEST.getBytes(StandardCharsets.ISO_8859_1)), null,
                false, listener);
        other.send(half);
        assertThat(half.sent()).isTrue();
        closing.close(); // the backend's side goes before the rest is written
        assertThat(end.get()).as("the call failed").isNotNull().isNotEqualTo("whole");
        assertThat(half.sent()).as("a backend cannot act on part of a request").isFalse();
        assertThat(whole.sent()).as("one whose writing did not fail").isTrue();
    }

    @Test
    void anInterimAnswerDoesNotEndTheCall() {
        endPoint.setConnection(connection);
        connection.onOpen();
        connection.send(new Http1Call(pool, ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(
                StandardCharsets.ISO_8859_1)), null, false, listener));
        endPoint.takeOutput();

        endPoint.addInput("HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(end.get()).isNull();
        endPoint.addInput("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(end.get()).isEqualTo("whole");
        assertThat(status.get()).isEqualTo(204);
        assertThat(pool.idle()).isEqualTo(1);
    }
}
