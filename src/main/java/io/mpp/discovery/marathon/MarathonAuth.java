package io.mpp.discovery.marathon;

import io.mpp.discovery.DiscoveryException;

/** The {@code Authorization} header Marathon calls carry, if any. */
public interface MarathonAuth {

    /** No authentication (a permissive cluster, or Marathon reached directly). */
    MarathonAuth NONE = new MarathonAuth() {
        @Override
        public String authorization() {
            return null;
        }

        @Override
        public void rejected(String authorization) {
        }

        @Override
        public void accepted(String authorization) {
        }
    };

    /** The header value to send, or null for none; may log in first. */
    String authorization() throws DiscoveryException;

    /** Marathon answered 401 to this header value: the next {@link #authorization()} must not reuse it. */
    void rejected(String authorization);

    /** Marathon answered this header value with something else than 401: it takes it. Cheap when nothing changes. */
    void accepted(String authorization);
}
