package io.mpp.discovery.kubernetes;

import java.time.Instant;

/**
 * The token an exec plugin answered, and until when it says the token is good.
 *
 * @param expiry null when the plugin did not say
 */
record ExecCredential(String token, Instant expiry) {

    @Override
    public String toString() {
        return "ExecCredential[token hidden, expiry=" + expiry + "]"; // a record would print the token
    }
}
