package io.mpp.proxy;

/** One request sent to one backend, reporting to an {@link AnswerListener}. */
public interface BackendCall {

    /** Sends the request; the answer comes to the listener. */
    void start();

    /**
     * Gives up on the answer: the listener's {@link AnswerListener#onComplete} gets {@code cause} unless the call
     * ended already. Safe from any thread, at any time.
     */
    void abort(Throwable cause);

    /**
     * Whether the request went out on a connection to the backend, on any try of this call: from then on the backend
     * may have acted on it, whatever happens next. Not when it cannot have: the connection was refused, did not open
     * in time or failed its TLS handshake, or the request's writing failed half-way. Told from the moment the writing
     * starts, as the backend's answer or failure may come before the write's completion is.
     */
    boolean sent();
}
