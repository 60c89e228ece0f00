package io.mpp.testing;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.mpp.MppApplication;
import io.mpp.MppConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real mpp started from the repository's config.yml on free loopback ports, with overrides by config path
 * (e.g. {@code locators[0].path}). Started and stopped explicitly so tests can start backends first.
 */
public final class MppServer implements AutoCloseable {

    private final DropwizardAppExtension<MppConfiguration> app;

    private MppServer(DropwizardAppExtension<MppConfiguration> app) {
        this.app = app;
    }

    /** mpp in front of one backend, named in the endpoints file {@code endpoints}, which is (re)written. */
    public static MppServer inFrontOf(Path endpoints, String backendUrl, ConfigOverride... overrides)
            throws Exception {
        Files.writeString(endpoints, backendUrl + "\n");
        List<ConfigOverride> all = new ArrayList<>(List.of(
                ConfigOverride.config("locators[0].path", endpoints.toString())));
        all.addAll(List.of(overrides));
        return start(all.toArray(ConfigOverride[]::new));
    }

    /**
     * mpp with {@code random} routing (every live backend serves) in front of one backend, with a test class's own
     * {@code settings} and then a test's {@code overrides}.
     */
    public static MppServer randomlyInFrontOf(Path endpoints, String backendUrl, List<ConfigOverride> settings,
                                              ConfigOverride... overrides) throws Exception {
        List<ConfigOverride> all = new ArrayList<>(List.of(
                ConfigOverride.config("selection.routingStrategy", "random")));
        all.addAll(settings);
        all.addAll(List.of(overrides));
        return inFrontOf(endpoints, backendUrl, all.toArray(ConfigOverride[]::new));
    }

    public static MppServer start(ConfigOverride... overrides) throws Exception {
        List<ConfigOverride> all = new ArrayList<>(List.of(
                ConfigOverride.config("server.applicationConnectors[0].port", "0"),
                ConfigOverride.config("server.applicationConnectors[0].bindHost", "127.0.0.1"),
                ConfigOverride.config("server.adminConnectors[0].port", "0"),
                ConfigOverride.config("server.adminConnectors[0].bindHost", "127.0.0.1")));
        all.addAll(List.of(overrides));
        DropwizardAppExtension<MppConfiguration> app = new DropwizardAppExtension<>(MppApplication.class,
                Path.of("config.yml").toAbsolutePath().toString(), all.toArray(ConfigOverride[]::new));
        app.before();
        return new MppServer(app);
    }

    public String url() {
        return "http://127.0.0.1:" + app.getLocalPort();
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + app.getAdminPort();
    }

    public DropwizardAppExtension<MppConfiguration> app() {
        return app;
    }

    @Override
    public void close() {
        app.after();
    }
}
