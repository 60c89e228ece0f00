package io.mpp.proxy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.mpp.util.GoDurationDeserializer;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Map;

/** Settings of the proxy's outbound side. */
public class ProxyFactory {

    /** Time to open a connection to a backend. */
    @JsonDeserialize(using = GoDurationDeserializer.class)
    @JsonProperty
    private Duration connectTimeout = Duration.ofSeconds(2);

    /** Time for a whole exchange with a backend; Prometheus's own query timeout is 2m. */
    @JsonDeserialize(using = GoDurationDeserializer.class)
    @JsonProperty
    private Duration responseTimeout = Duration.ofMinutes(2);

    /** How long an idle connection to a backend is kept, and the longest silence within an answer. */
    @JsonDeserialize(using = GoDurationDeserializer.class)
    @JsonProperty
    private Duration idleTimeout = Duration.ofSeconds(30);

    @Min(1)
    @Max(100_000)
    @JsonProperty
    private int maxConnectionsPerBackend = 256;

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public int getMaxConnectionsPerBackend() {
        return maxConnectionsPerBackend;
    }

    /** The init parameters Jetty's proxy servlet reads. */
    public Map<String, String> servletParameters() {
        return Map.of(
                "timeout", Long.toString(responseTimeout.toMillis()),
                "idleTimeout", Long.toString(idleTimeout.toMillis()),
                "maxConnections", Integer.toString(maxConnectionsPerBackend));
    }
}
