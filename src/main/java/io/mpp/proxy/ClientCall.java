package io.mpp.proxy;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * A {@link BackendCall} through Jetty's HTTP client: the transport for https backends and for request bodies too
 * large to keep for a retry, which the plain-http transport does not handle.
 */
final class ClientCall implements BackendCall, Response.Listener {

    private final Request request;
    private final AnswerListener listener;
    private volatile boolean sent;

    ClientCall(Request request, AnswerListener listener) {
        // Committed: its head is written, so after the TLS handshake (a request begins before it, and a cut
        // handshake often shows as a plain close). Told right after the write: an answer cannot come sooner than the
        // backend has read it, and a 502 or 504 is judged without asking (see Exchange).
        this.request = request.onRequestCommit(committed -> sent = true);
        this.listener = listener;
    }

    @Override
    public void start() {
        request.send(this);
    }

    @Override
    public void abort(Throwable cause) {
        request.abort(cause);
    }

    @Override
    public boolean sent() {
        return sent;
    }

    @Override
    public void onHeaders(Response answer) {
        String coding = answer.getHeaders().get(HttpHeader.TRANSFER_ENCODING);
        BadAnswer unsupported = coding == null ? null : BadAnswer.ofTransferEncoding(coding);
        if (unsupported != null) {
            answer.abort(unsupported);
            return;
        }
        listener.onHead(answer.getStatus(), answer.getHeaders());
    }

    @Override
    public void onContent(Response answer, Content.Chunk chunk, Runnable demander) {
        chunk.retain();
        listener.onContent(chunk.getByteBuffer(), false, Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> {
            chunk.release();
            demander.run();
        }, failure -> {
            chunk.release();
            answer.abort(failure);
        }));
    }

    @Override
    public void onComplete(Result result) {
        listener.onComplete(result.getFailure());
    }
}
