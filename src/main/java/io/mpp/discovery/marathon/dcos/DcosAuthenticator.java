package io.mpp.discovery.marathon.dcos;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mpp.discovery.DiscoveryException;
import io.mpp.discovery.marathon.MarathonAuth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a DC/OS auth token for Marathon calls ({@code Authorization: token=...}). It logs in when there is no
 * token, shortly before the token's own {@code exp}, and after Marathon rejected the token. Logins are
 * single-flight: callers that need a token while one login runs wait for it and share its token. A renewal that
 * fails while the token has not expired yet keeps the token in use, and is tried again after a pause. A token that
 * Marathon rejects right after the login that replaced a rejected one is kept for {@link #RELOGIN_PAUSE}.
 */
public final class DcosAuthenticator implements MarathonAuth, MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(DcosAuthenticator.class);
    /** After a failed renewal: each Marathon call trying a login would wait for the login's timeout. */
    static final Duration RENEWAL_RETRY = Duration.ofSeconds(30);
    /**
     * How long a token from a login that a 401 prompted is kept though Marathon rejects it too: logging in again
     * would only bring another such token, one login per Marathon call.
     */
    public static final Duration RELOGIN_PAUSE = Duration.ofMinutes(1);

    /**
     * What the login last did, for the health check and the status page.
     *
     * @param token     the token in use; null before the first login and after Marathon rejected it
     * @param lastError why the last login failed; null when it worked
     * @param lastLogin when a login was last tried; null before the first
     */
    public record State(AuthToken token, String lastError, Instant lastLogin) {
    }

    private final DcosLogin login;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile AuthToken current;
    /** Set while renewing the current token fails: no login is tried before it. */
    private volatile Instant retryRenewalAt;
    /** The next login replaces a token Marathon rejected; guarded by the lock, as are the two below. */
    private boolean loginAfterRejection;
    /** The current token comes from a login that a rejection prompted. */
    private boolean currentAfterRejection;
    /** A fresh token was rejected too, and said so, since the last login no rejection prompted. */
    private boolean freshTokensRejected;
    /** Said that Marathon takes the fresh token after all, since the last login: once, as the warning is. */
    private boolean freshTokenTaken;
    private volatile State state = new State(null, null, null);

    public DcosAuthenticator(DcosLogin login, Clock clock) {
        this.login = login;
        this.clock = clock;
    }

    public String uid() {
        return login.uid();
    }

    public State state() {
        return state;
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
            Instant at = clock.instant();
            try {
                token = login.login();
            } catch (DiscoveryException e) {
                failed.incrementAndGet();
                state = new State(current, e.getMessage(), at);
                if (token == null || !at.isBefore(token.usableUntil())) {
                    throw e;
                }
                if (retryRenewalAt == null) { // once per streak of failures, not at every call
                    LOG.warn("{}; keeping the current auth token, valid until {}, and trying again every {} s",
                            e.getMessage(), token.usableUntil(), RENEWAL_RETRY.toSeconds());
                }
                retryRenewalAt = at.plus(RENEWAL_RETRY);
                return header(token);
            }
            retryRenewalAt = null;
            currentAfterRejection = loginAfterRejection;
            freshTokensRejected &= loginAfterRejection;
            freshTokenTaken = false;
            loginAfterRejection = false;
            succeeded.incrementAndGet();
            LOG.info("logged in to DC/OS as service account '{}'; the auth token expires at {}", login.uid(),
                    token.expires());
            current = token;
            state = new State(token, null, at);
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
            if (token == null || !header(token).equals(authorization)) {
                return;
            }
            Instant reloginAt = token.obtained().plus(RELOGIN_PAUSE);
            if (currentAfterRejection && clock.instant().isBefore(reloginAt)) {
                // Kept for the pause (no token would do better), but no longer shown as a token that works.
                String problem = "Marathon rejected the auth token (401) also right after a new login; the next"
                        + " login is at " + reloginAt + " at the earliest";
                if (!freshTokensRejected) {
                    LOG.warn("service account '{}': {}", login.uid(), problem);
                    freshTokensRejected = true;
                }
                state = new State(null, problem, state.lastLogin());
                return;
            }
            LOG.info("Marathon rejected the auth token of '{}' (401); logging in again", login.uid());
            current = null;
            retryRenewalAt = null;
            loginAfterRejection = true;
            state = new State(null, "Marathon rejected the auth token (401)", state.lastLogin());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marathon took the token after all (a rejection that passed, such as a login that took a while to reach every
     * master): it is shown as the token in use again, rather than until the next login, days later.
     */
    @Override
    public void accepted(String authorization) {
        if (state.token() != null) {
            return; // every call that goes well: nothing to mend
        }
        lock.lock();
        try {
            AuthToken token = current;
            if (token != null && state.token() == null && header(token).equals(authorization)) {
                if (!freshTokenTaken) {
                    // Masters, or the event stream and the app reads, may disagree for a while: not a line a call.
                    LOG.info("Marathon accepts the auth token of '{}' again", login.uid());
                    freshTokenTaken = true;
                }
                state = new State(token, null, state.lastLogin());
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@code mpp_dcos_logins_total{result}} and the current token's expiry. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("mpp_dcos_logins", succeeded, AtomicLong::get).tag("result", "success")
                .description("DC/OS service-account logins, by result").register(registry);
        FunctionCounter.builder("mpp_dcos_logins", failed, AtomicLong::get).tag("result", "failure")
                .description("DC/OS service-account logins, by result").register(registry);
        Gauge.builder("mpp_dcos_token_expiry_timestamp_seconds", this, a -> {
                    AuthToken token = a.state.token();
                    return token == null ? Double.NaN : token.expires().getEpochSecond();
                })
                .description("when the DC/OS auth token in use expires (its exp claim); NaN without a token")
                .register(registry);
    }

    private boolean usable(AuthToken token) {
        if (token == null) {
            return false;
        }
        Instant now = clock.instant();
        Instant retryAt = retryRenewalAt;
        return now.isBefore(token.refreshAt())
                || retryAt != null && now.isBefore(retryAt) && now.isBefore(token.usableUntil());
    }

    private static String header(AuthToken token) {
        return "token=" + token.value();
    }
}
