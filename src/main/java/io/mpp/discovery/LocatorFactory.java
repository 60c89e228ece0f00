package io.mpp.discovery;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jackson.Discoverable;

/**
 * A locator's configuration. Implementations carry {@code @JsonTypeName} and are listed in
 * {@code META-INF/services/io.mpp.discovery.LocatorFactory}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
public interface LocatorFactory extends Discoverable {

    /**
     * Whether the settings turn this locator on. config.yml lists every locator with its settings taken from
     * environment variables; a locator whose key setting is empty (e.g. no endpoints file) stays off.
     */
    boolean isEnabled();

    /**
     * Builds the locator.
     *
     * @param environment for lifecycle (watchers are {@code Managed}) and metrics
     * @param reselect    asks for a prompt, coalesced reselection; for locators that watch for changes
     */
    Locator build(Environment environment, Runnable reselect);
}
