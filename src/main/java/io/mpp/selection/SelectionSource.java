package io.mpp.selection;

import io.mpp.discovery.Endpoint;

/** What the proxy needs from selection: the selection in force, and a way to report a backend that failed. */
public interface SelectionSource {

    /** The selection in force; never null. Read without locks. */
    Selection current();

    /**
     * A request failed on this backend before its answer started: take it out of rotation at once and select
     * again soon; one that fails again each time a selection lets it back in is held out for longer each time.
     * Cheap and non-blocking; safe from any thread.
     *
     * @param sentAt when the request was sent to the backend, by {@link System#nanoTime()}
     */
    void reportFailure(Endpoint backend, long sentAt, String why);

    /** Asks for a prompt selection off the caller's thread; many asks in a row make one selection. */
    void reselectSoon();
}
