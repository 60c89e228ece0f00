package io.mpp.proxy;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.util.Callback;

/**
 * What one {@link BackendCall} reports: the answer's head at most once, its content chunk by chunk, then its end,
 * exactly once. Head and content come from the thread reading the answer; the end may come from a thread that
 * aborted the call.
 */
public interface AnswerListener {

    /** The final answer's status and headers (interim 1xx answers are not reported). */
    void onHead(int status, HttpFields headers);

    /**
     * A chunk of the answer's body; {@code last} when the transport knows no more content follows (it may not know).
     * The chunk stays valid, and no further one comes, until {@code taken} completes: that is the back-pressure
     * from a slow client.
     */
    void onContent(ByteBuffer chunk, boolean last, Callback taken);

    /** The answer ended: whole when {@code failure} is null, otherwise why not. */
    void onComplete(Throwable failure);
}
