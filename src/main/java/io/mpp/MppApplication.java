package io.mpp;

import ch.qos.logback.classic.Level;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mpp.cli.GoFlagSpellings;
import io.mpp.cli.ProxyCommand;
import io.mpp.cli.UsageException;
import io.mpp.config.BindHost;
import io.mpp.config.EmptyScalars;
import io.mpp.config.GoBooleans;
import io.mpp.config.QuotingSubstitutor;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.Locator;
import io.mpp.discovery.LocatorFactory;
import io.mpp.discovery.LocatorHealthCheck;
import io.mpp.metrics.MppMetrics;
import io.mpp.metrics.SelectionMetrics;
import io.mpp.proxy.ProxyMetrics;
import io.mpp.proxy.affinity.Affinity;
import io.mpp.selection.PrometheusProbe;
import io.mpp.selection.ReselectTrigger;
import io.mpp.selection.SelectionFactory;
import io.mpp.selection.SelectionHealthCheck;
import io.mpp.selection.Selector;
import io.mpp.util.BuildVersion;
import io.mpp.web.DepartedClientLogFilter;
import io.mpp.web.HealthResource;
import io.mpp.web.MetricsServlet;
import io.mpp.web.StatusReport;
import io.mpp.web.StatusResource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.slf4j.LoggerFactory;

/** Wires mpp: locators -> selector -> proxy, the /mpp resources, metrics and health checks. */
public class MppApplication extends Application<MppConfiguration> {

    public static void main(String[] args) throws Exception {
        new MppApplication().run(args);
    }

    /** Also takes the Go original's {@code -name value} spelling of the proxy command's long flags. */
    @Override
    public void run(String... arguments) throws Exception {
        super.run(GoFlagSpellings.rewrite(arguments));
    }

    @Override
    public String getName() {
        return "mpp";
    }

    @Override
    protected void addDefaultCommands(Bootstrap<MppConfiguration> bootstrap) {
        bootstrap.addCommand(new MppServerCommand(this));
        bootstrap.addCommand(new MppCheckCommand(this));
    }

    @Override
    public void initialize(Bootstrap<MppConfiguration> bootstrap) {
        // config.yml takes every setting from MPP_* variables, with defaults: ${MPP_PORT:-9090}.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), QuotingSubstitutor.ofEnvironment()));
        EmptyScalars.refusedIn(GoBooleans.acceptedBy(BindHost.checkedBy(bootstrap.getObjectMapper())));
        // The Go original's command line: the same service, flags in place of the MPP_* variables.
        bootstrap.addCommand(new ProxyCommand(this));
    }

    /** A command line that cannot work exits 2, like the original's flag errors; anything else exits 1. */
    @Override
    protected void onFatalError(Throwable t) {
        System.exit(t instanceof ArgumentParserException || t instanceof UsageException ? 2 : 1);
    }

    @Override
    public void run(MppConfiguration config, Environment environment) throws Exception {
        if (config.isVerbose()) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.mpp")).setLevel(Level.DEBUG);
        }

        Instant started = Instant.now();
        // mpp's own metrics, in Prometheus text at /mpp/metrics; parts that count things take this registry.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MppMetrics observed = new MppMetrics(metrics, BuildVersion.get());
        environment.lifecycle().manage(observed);
        environment.lifecycle().addServerLifecycleListener(observed::bindJetty);

        ReselectTrigger reselect = new ReselectTrigger();
        List<Locator> locators = buildLocators(config.getLocators(), environment, reselect);
        locators.stream().filter(MeterBinder.class::isInstance).forEach(l -> ((MeterBinder) l).bindTo(metrics));
        if (locators.isEmpty()) {
            throw new IllegalStateException("no locator is configured: set MPP_ENDPOINTS_FILE, MPP_MARATHON_URL,"
                    + " MPP_KUBE_SERVICE_NAME or MPP_KUBE_POD_LABEL_SELECTOR so mpp can find Prometheus backends");
        }

        SelectionFactory selection = config.getSelection();
        // The probes reach the backends as the proxy does: over https with the proxy's trust.
        ClientConnector probeConnector = new ClientConnector();
        probeConnector.setSslContextFactory(config.getProxy().backendTls());
        HttpClient probeClient = new HttpClient(new HttpClientTransportOverHTTP(probeConnector));
        probeClient.setName("mpp-probe");
        probeClient.setFollowRedirects(false);
        probeClient.setConnectTimeout(selection.getProbeTimeout().toMillis());
        environment.lifecycle().manage(probeClient);
        CompositeLocator discovery = new CompositeLocator(locators, Clock.systemUTC());
        environment.lifecycle().manage(discovery); // stops after the selector: ends the calls it left running
        Selector selector = new Selector(discovery,
                new PrometheusProbe(probeClient, selection.getProbeTimeout()), selection.strategy(),
                selection.getInterval(), selection.getProbeTimeout().plusSeconds(1),
                config.getProxy().getResponseTimeout(), Clock.systemUTC());
        reselect.bind(selector);
        environment.lifecycle().manage(selector);

        Affinity affinity = config.getAffinity().build(metrics);
        ProxyMetrics proxyMetrics = new ProxyMetrics(metrics);
        SelectionMetrics selectionMetrics = new SelectionMetrics(selector, proxyMetrics);
        selectionMetrics.bindTo(metrics);
        observed.beforeScrape(selectionMetrics::refresh);
        // The proxy owns every path outside /mpp/ and sits in front of Dropwizard's servlet contexts.
        if (!(config.getServerFactory() instanceof MppServerFactory server)) {
            throw new IllegalStateException("server.type must be mpp (as in mpp's config.yml): its server puts the"
                    + " proxy in front of the /mpp/ resources");
        }
        server.setProxy(config.getProxy().build(selector, affinity, proxyMetrics));

        environment.jersey().register(new HealthResource());
        DepartedClientLogFilter.install();
        // Exact mappings: they win over Jersey's /mpp/* here and over the admin servlet's /* there.
        environment.servlets().addServlet("mpp-metrics", new MetricsServlet(observed))
                .addMapping("/mpp/metrics", "/mpp/metrics/");
        environment.admin().addServlet("mpp-metrics", new MetricsServlet(observed))
                .addMapping("/mpp/metrics", "/mpp/metrics/");
        environment.jersey().register(new StatusResource(new StatusReport.Source(selector, affinity.options().names(),
                BuildVersion.get(), started, Clock.systemUTC())));

        // The admin port's /healthcheck: a backend is selected by a selection that still runs, each locator's last
        // discovery worked (the DC/OS login's check is registered by the Marathon locator's factory).
        environment.healthChecks().register("selection", new SelectionHealthCheck(selector, selection.strategy(),
                selector.interval(), Clock.systemUTC()));
        for (Locator locator : locators) {
            environment.healthChecks().register(locator.name(), new LocatorHealthCheck(discovery, locator.name()));
        }
    }

    /**
     * The enabled locators, built. A locator's name keys its health check, metrics and status, so two that go by one
     * name (the same file twice, the same service in two clusters) are refused, naming both.
     */
    static List<Locator> buildLocators(List<LocatorFactory> factories, Environment environment, Runnable reselect) {
        Map<String, Integer> indexByName = new HashMap<>();
        List<Locator> locators = new ArrayList<>();
        for (int i = 0; i < factories.size(); i++) {
            if (!factories.get(i).isEnabled()) {
                continue;
            }
            Locator locator = factories.get(i).build(environment, reselect);
            Integer other = indexByName.putIfAbsent(locator.name(), i);
            if (other != null) {
                throw new IllegalStateException("locators[" + other + "] and locators[" + i + "] are both "
                        + locator.name() + ": a locator's name tells its health check, metrics and status apart;"
                        + " list each source of backends once");
            }
            locators.add(locator);
        }
        return List.copyOf(locators);
    }
}
