package io.mpp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.mpp.discovery.LocatorFactory;
import io.mpp.proxy.ProxyFactory;
import io.mpp.proxy.affinity.AffinityFactory;
import io.mpp.selection.SelectionFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/** config.yml: Dropwizard's server and logging, plus mpp's locators, selection, proxy and affinity. */
public class MppConfiguration extends Configuration {

    @Valid
    @NotNull
    @JsonProperty
    private List<LocatorFactory> locators = new ArrayList<>();

    @Valid
    @NotNull
    @JsonProperty
    private SelectionFactory selection = new SelectionFactory();

    @Valid
    @NotNull
    @JsonProperty
    private ProxyFactory proxy = new ProxyFactory();

    @Valid
    @NotNull
    @JsonProperty
    private AffinityFactory affinity = new AffinityFactory();

    /** MPP_VERBOSE: debug logging for mpp's own classes. */
    @JsonProperty
    private boolean verbose;

    public List<LocatorFactory> getLocators() {
        return locators;
    }

    public SelectionFactory getSelection() {
        return selection;
    }

    public ProxyFactory getProxy() {
        return proxy;
    }

    public AffinityFactory getAffinity() {
        return affinity;
    }

    public boolean isVerbose() {
        return verbose;
    }
}
