package io.mpp.proxy;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.MppServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Backends scripted with WireMock ({@link PrometheusStub}) behind a real mpp, for answers real Prometheus cannot be
 * made to give on demand. Selection runs at start only (interval 1h), so a test decides every change. Closes mpp
 * first, then the stubs.
 */
final class StubbedMpp implements AutoCloseable {

    private final Path dir;
    private final List<PrometheusStub> stubs = new ArrayList<>();
    private MppServer mpp;

    StubbedMpp(Path dir) {
        this.dir = dir;
    }

    PrometheusStub stub(double samples) {
        return stub(samples, false);
    }

    PrometheusStub stub(double samples, boolean https) {
        PrometheusStub stub = new PrometheusStub(samples, https);
        stubs.add(stub);
        return stub;
    }

    /** Starts mpp over these backend URLs, in this order, with the strategy and any further overrides. */
    MppServer start(String strategy, List<String> backends, ConfigOverride... overrides) throws Exception {
        Path endpoints = Files.writeString(dir.resolve("endpoints"), String.join("\n", backends));
        mpp = MppServer.start(Stream.concat(Stream.of(
                ConfigOverride.config("locators[0].path", endpoints.toString()),
                ConfigOverride.config("selection.routingStrategy", strategy),
                ConfigOverride.config("selection.interval", "1h")), Stream.of(overrides))
                .toArray(ConfigOverride[]::new));
        return mpp;
    }

    static List<String> urls(List<PrometheusStub> stubs) {
        return stubs.stream().map(PrometheusStub::url).toList();
    }

    @Override
    public void close() {
        if (mpp != null) {
            mpp.close();
            mpp = null;
        }
        stubs.forEach(PrometheusStub::close);
        stubs.clear();
    }
}
