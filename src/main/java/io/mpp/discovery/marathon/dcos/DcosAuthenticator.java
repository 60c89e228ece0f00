package io.mpp.discovery.marathon.dcos;

import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.marathon.MarathonAuth;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a DC/OS auth token for Marathon calls ({@code Authorization: token=...}). It logs in when there is no
 * token, shortly before the token's own {@code exp}, and after Marathon rejected the token. Logins are
 * single-flight: callers that need a token while one login runs wait for it and share its token.
 */
public final class DcosAuthenticator implements MarathonAuth {

    private static final Logger LOG = LoggerFactory.getLogger(DcosAuthenticator.class);

    private final DcosLogin login;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile AuthToken current;

    public DcosAuthenticator(DcosLogin login, Clock clock) {
        this.login = login;
        this.clock = clock;
    }

    @Override
    public String authorization() throws DiscoveryException {
        AuthToken token = current;
        if (usable(token)) {
            return header(token);
        }
        lock.lock();
        try {
            token = current;
            if (usable(token)) {
                return header(token); // another caller logged in while this one waited
            }
            token = login.login();
            LOG.info("logged in to DC/OS as service account '{}'; the auth token expires at {}", login.uid(),
                    token.expires());
            current = token;
            return header(token);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void rejected(String authorization) {
        lock.lock();
        try {
            AuthToken token = current;
            // Only the token that was rejected is dropped: a newer one from a concurrent login stays.
            if (token != null && header(token).equals(authorization)) {
                LOG.info("Marathon rejected the auth token of '{}' (401); logging in again", login.uid());
                current = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean usable(AuthToken token) {
        return token != null && clock.instant().isBefore(token.refreshAt());
    }

    private static String header(AuthToken token) {
        return "token=" + token.value();
    }
}
