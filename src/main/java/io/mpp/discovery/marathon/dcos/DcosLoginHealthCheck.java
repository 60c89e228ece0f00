package io.mpp.discovery.marathon.dcos;

import com.codahale.metrics.health.HealthCheck;
import java.time.Clock;

/**
 * Healthy while the DC/OS login holds an auth token that has not expired. Before the first login, after a failed
 * one with no token left, or after Marathon rejected the token, it says why. Never shows the token.
 */
public final class DcosLoginHealthCheck extends HealthCheck {

    private final DcosAuthenticator login;
    private final Clock clock;

    public DcosLoginHealthCheck(DcosAuthenticator login, Clock clock) {
        this.login = login;
        this.clock = clock;
    }

    @Override
    protected Result check() {
        DcosAuthenticator.State state = login.state();
        String who = "service account '" + login.uid() + "'";
        if (state.token() != null && clock.instant().isBefore(state.token().expires())) {
            return state.lastError() == null
                    ? Result.healthy("%s holds a token valid until %s", who, state.token().expires())
                    : Result.healthy("%s holds a token valid until %s; the last login failed: %s", who,
                    state.token().expires(), state.lastError());
        }
        if (state.token() != null) {
            return Result.unhealthy("the token of %s expired at %s%s", who, state.token().expires(),
                    state.lastError() == null ? "" : "; the last login failed: " + state.lastError());
        }
        if (state.lastError() != null) {
            return Result.unhealthy("%s holds no token: %s", who, state.lastError());
        }
        return Result.unhealthy("%s has not logged in yet", who);
    }
}
