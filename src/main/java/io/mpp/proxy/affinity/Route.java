package io.mpp.proxy.affinity;

import io.mpp.discovery.Endpoint;
import io.mpp.selection.Selection;
import java.util.Collection;

/**
 * Where one request goes first, and what affinity needs to know about it later: whether to pin the backend that
 * answers, and to which backend the client is pinned already.
 *
 * @param backend   the backend of the first attempt
 * @param pinning   true when the answer should carry a route cookie naming whichever backend answers
 * @param pinnedUrl the backend URL of the client's valid route cookie when it counted (it named a backend that
 *                  serves and is live, or, with one backend serving, another one), else null
 * @param clientKey the client's address when source-IP affinity applies, else null
 */
public record Route(Endpoint backend, boolean pinning, String pinnedUrl, byte[] clientKey) {

    /** A route without affinity. */
    public static Route to(Endpoint backend) {
        return new Route(backend, false, null, null);
    }

    /**
     * The backend for a retry once {@code tried} failed: with source-IP affinity the client's next choice, the one
     * it will be hashed to once the failed backend is out of the selection; otherwise any other.
     */
    public Endpoint next(Selection selection, Collection<Endpoint> tried) {
        if (clientKey != null) {
            Endpoint next = Rendezvous.choose(clientKey, selection.serving(), tried);
            if (next != null) {
                return next;
            }
        }
        return selection.pickOther(tried);
    }
}
