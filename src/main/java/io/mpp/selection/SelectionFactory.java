package io.mpp.selection;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.mpp.util.GoDuration;
import io.mpp.util.GoDurationDeserializer;
import java.time.Duration;

/** How backends are chosen: the routing strategy and how often it is re-run. */
public class SelectionFactory {

    private String routingStrategy = "single-most-data";
    private Strategy strategy = new SingleMostDataStrategy();

    @JsonDeserialize(using = GoDurationDeserializer.class)
    private Duration interval = Duration.ofSeconds(10);

    @JsonDeserialize(using = GoDurationDeserializer.class)
    private Duration probeTimeout = Duration.ofSeconds(2);

    @JsonProperty
    public String getRoutingStrategy() {
        return routingStrategy;
    }

    /** Parsed here so a wrong strategy fails at start, with the setting's path in the message. */
    @JsonProperty
    public void setRoutingStrategy(String routingStrategy) {
        this.strategy = RoutingStrategies.parse(routingStrategy);
        this.routingStrategy = routingStrategy.strip();
    }

    public Strategy strategy() {
        return strategy;
    }

    @JsonProperty
    public Duration getInterval() {
        return interval;
    }

    @JsonProperty
    public void setInterval(Duration interval) {
        this.interval = atLeast("interval", interval, Duration.ofMillis(100));
    }

    @JsonProperty
    public Duration getProbeTimeout() {
        return probeTimeout;
    }

    @JsonProperty
    public void setProbeTimeout(Duration probeTimeout) {
        this.probeTimeout = atLeast("probeTimeout", probeTimeout, Duration.ofMillis(10));
    }

    static Duration atLeast(String name, Duration value, Duration minimum) {
        return GoDuration.atLeast(name, value, minimum);
    }
}
