package io.mpp.proxy;

import java.time.Duration;

/**
 * How the proxy retries a request that failed before its answer started.
 *
 * @param maxRetries      further attempts on other backends after the first
 * @param bodyLimit       largest request body kept in memory so the request can be sent again; larger ones are
 *                        streamed once without retry
 * @param headersTimeout  how long a backend may take to start its answer before mpp suspects it is hung: it then
 *                        asks for a prompt selection, and moves the request to another backend once that selection
 *                        finds this one dead (a slow query on a live backend is never cut)
 * @param exchangeTimeout the longest a whole exchange may take, over all attempts, streaming included
 * @param retryDelivered  whether a request that went out whole to a backend, which then failed it, may go elsewhere;
 *                        when false only requests that reached no backend are (and a backend's not-ready 503)
 */
public record RetryPolicy(int maxRetries, long bodyLimit, Duration headersTimeout, Duration exchangeTimeout,
                          boolean retryDelivered) {
}
