package io.mpp.proxy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.util.DataSize;
import io.mpp.proxy.affinity.Affinity;
import io.mpp.selection.SelectionSource;
import io.mpp.util.ClientTls;
import io.mpp.util.GoDuration;
import io.mpp.util.GoDurationDeserializer;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Settings of the proxy's outbound side. */
public class ProxyFactory {

    /** Shortest timeout taken: 0 would mean "none" to some of the clients, and "fail at once" to others. */
    private static final Duration SHORTEST = Duration.ofMillis(10);

    /** Time to open a connection to a backend. */
    private Duration connectTimeout = Duration.ofSeconds(2);

    /** Time for a whole exchange with a backend; Prometheus's own query timeout is 2m. */
    private Duration responseTimeout = Duration.ofMinutes(2);

    /**
     * How long a backend may take to start its answer before mpp suspects it is hung and asks selection to probe
     * it; the request moves to another backend once selection finds this one dead. Slow queries are not cut.
     */
    private Duration headersTimeout = Duration.ofSeconds(3);

    /** Further attempts on other backends when one fails before its answer started. */
    @Min(0)
    @Max(10)
    @JsonProperty
    private int maxRetries = 2;

    /**
     * Whether a request a backend may have acted on (it went out whole) and then failed goes to another one.
     * Off, a query that crashes its replica reaches only that one; on, a replica that dies mid-query costs no request.
     */
    @JsonProperty
    private boolean retryDelivered = true;

    /** Request bodies up to this size are kept so the request can be retried; larger ones stream once. */
    private DataSize retryBodyLimit = DataSize.mebibytes(1);

    /** How long an idle connection to a backend is kept, and the longest silence within an answer. */
    private Duration idleTimeout = Duration.ofSeconds(30);

    @Min(1)
    @Max(100_000)
    @JsonProperty
    private int maxConnectionsPerBackend = 256;

    /** Trust any certificate and host name of https backends (MPP_INSECURE_CERTS, as the original's -k). */
    @JsonProperty
    private boolean insecureCerts;

    /** PEM file of the CA certificate(s) that sign https backends' certificates; empty: the JVM's trust store. */
    @JsonProperty
    private String caFile = "";

    @JsonProperty
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    @JsonProperty
    @JsonDeserialize(using = GoDurationDeserializer.class)
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = GoDuration.atLeast("connectTimeout", connectTimeout, SHORTEST);
    }

    @JsonProperty
    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    @JsonProperty
    @JsonDeserialize(using = GoDurationDeserializer.class)
    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = GoDuration.atLeast("responseTimeout", responseTimeout, SHORTEST);
    }

    @JsonProperty
    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    @JsonProperty
    @JsonDeserialize(using = GoDurationDeserializer.class)
    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = GoDuration.atLeast("idleTimeout", idleTimeout, SHORTEST);
    }

    @JsonProperty
    public Duration getHeadersTimeout() {
        return headersTimeout;
    }

    /** Checked here so a wrong value fails at start, with the setting's path in the message. */
    @JsonProperty
    @JsonDeserialize(using = GoDurationDeserializer.class)
    public void setHeadersTimeout(Duration headersTimeout) {
        this.headersTimeout = GoDuration.atLeast("headersTimeout", headersTimeout, SHORTEST);
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    @JsonProperty
    public DataSize getRetryBodyLimit() {
        return retryBodyLimit;
    }

    @JsonProperty
    public void setRetryBodyLimit(DataSize retryBodyLimit) {
        if (retryBodyLimit.toBytes() > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("must be at most 256MiB (it is held in memory per request), got "
                    + retryBodyLimit);
        }
        this.retryBodyLimit = retryBodyLimit;
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(maxRetries, retryBodyLimit.toBytes(), headersTimeout, responseTimeout,
                retryDelivered);
    }

    public int getMaxConnectionsPerBackend() {
        return maxConnectionsPerBackend;
    }

    /**
     * TLS for https backends: the JVM's trust store, the CA file's, or with {@code insecureCerts} any certificate and
     * host name. A new one per client, as each client starts and stops its own.
     *
     * @throws IllegalArgumentException when the CA file cannot be used, naming the setting
     */
    public SslContextFactory.Client backendTls() {
        return ClientTls.trusting(insecureCerts, caFile == null || caFile.isBlank() ? null : Path.of(caFile.strip()),
                "MPP_BACKEND_CA_FILE (proxy.caFile)");
    }

    /** The proxy for every path outside {@code /mpp/}, with its own HTTP client to the backends. */
    public RoutingProxyHandler build(SelectionSource selection, Affinity affinity, ProxyMetrics metrics) {
        return new RoutingProxyHandler(selection, retryPolicy(), affinity, metrics, connectTimeout, idleTimeout,
                maxConnectionsPerBackend, backendTls());
    }
}
