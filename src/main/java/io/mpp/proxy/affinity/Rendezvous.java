package io.mpp.proxy.affinity;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.mpp.discovery.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * Rendezvous (highest-random-weight) hashing: a client goes to the backend whose hash with the client's key is
 * highest. Every mpp copy computes the same answer from the same backends, without talking to the others; when a
 * backend leaves, only its clients move (each to its own second choice), and when one joins it takes about its
 * share from each of the others.
 */
final class Rendezvous {

    /** Murmur3 is a published algorithm with a fixed seed: the weights are the same in every JVM and release. */
    private static final HashFunction HASH = Hashing.murmur3_128(0x6d7070);

    private Rendezvous() {
    }

    /** The backend for this key among the backends not excluded; null when none is left. */
    static Endpoint choose(byte[] key, List<Endpoint> backends, Collection<Endpoint> excluded) {
        Endpoint winner = null;
        long best = 0;
        for (int i = 0, n = backends.size(); i < n; i++) {
            Endpoint backend = backends.get(i);
            if (!excluded.isEmpty() && excluded.contains(backend)) {
                continue;
            }
            long weight = weight(key, backend.url());
            if (winner == null || weight > best || weight == best && backend.url().compareTo(winner.url()) < 0) {
                winner = backend;
                best = weight;
            }
        }
        return winner;
    }

    static long weight(byte[] key, String url) {
        return HASH.newHasher(key.length + url.length() + 8)
                .putInt(key.length).putBytes(key)
                .putString(url, StandardCharsets.UTF_8)
                .hash().asLong();
    }
}
