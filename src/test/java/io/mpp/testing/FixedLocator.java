package io.mpp.testing;

import io.mpp.discovery.Endpoint;
import io.mpp.discovery.Locator;
import java.util.List;
import java.util.function.Supplier;

/** A locator named "fixed" whose list a test controls; asked again at every selection. */
public record FixedLocator(Supplier<List<Endpoint>> listed) implements Locator {

    public static FixedLocator of(Endpoint... endpoints) {
        List<Endpoint> list = List.of(endpoints);
        return new FixedLocator(() -> list);
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public List<Endpoint> locate() {
        return listed.get();
    }
}
