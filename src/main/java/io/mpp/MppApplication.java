package io.mpp;

import ch.qos.logback.classic.Level;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.mpp.cli.ProxyCommand;
import io.mpp.config.QuotingSubstitutor;
import io.mpp.cli.UsageException;
import io.mpp.discovery.CompositeLocator;
import io.mpp.discovery.Locator;
import io.mpp.discovery.LocatorFactory;
import io.mpp.proxy.RoutingProxyServlet;
import io.mpp.proxy.affinity.Affinity;
import io.mpp.selection.PrometheusProbe;
import io.mpp.selection.ReselectTrigger;
import io.mpp.selection.SelectionFactory;
import io.mpp.selection.Selector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mpp.web.HealthResource;
import jakarta.servlet.ServletRegistration;
import java.time.Clock;
import java.util.List;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.LoggerFactory;

/** Wires mpp: locators -> selector -> proxy, and the /mpp resources. */
public class MppApplication extends Application<MppConfiguration> {

    public static void main(String[] args) throws Exception {
        new MppApplication().run(args);
    }

    @Override
    public String getName() {
        return "mpp";
    }

    @Override
    protected void addDefaultCommands(Bootstrap<MppConfiguration> bootstrap) {
        bootstrap.addCommand(new MppServerCommand(this));
        bootstrap.addCommand(new io.dropwizard.core.cli.CheckCommand<>(this));
    }

    @Override
    public void initialize(Bootstrap<MppConfiguration> bootstrap) {
        // config.yml takes every setting from MPP_* variables, with defaults: ${MPP_PORT:-9090}.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), QuotingSubstitutor.ofEnvironment()));
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

        // mpp's own metrics, in Prometheus text at /mpp/metrics; parts that count things take this registry.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        ReselectTrigger reselect = new ReselectTrigger();
        List<Locator> locators = config.getLocators().stream()
                .filter(LocatorFactory::isEnabled)
                .map(factory -> factory.build(environment, reselect))
                .toList();
        if (locators.isEmpty()) {
            throw new IllegalStateException("no locator is configured: set MPP_ENDPOINTS_FILE, MPP_MARATHON_URL,"
                    + " MPP_KUBE_SERVICE_NAME or MPP_KUBE_POD_LABEL_SELECTOR so mpp can find Prometheus backends");
        }

        SelectionFactory selection = config.getSelection();
        HttpClient probeClient = new HttpClient();
        probeClient.setName("mpp-probe");
        probeClient.setFollowRedirects(false);
        probeClient.setConnectTimeout(selection.getProbeTimeout().toMillis());
        environment.lifecycle().manage(probeClient);
        Selector selector = new Selector(new CompositeLocator(locators, Clock.systemUTC()),
                new PrometheusProbe(probeClient, selection.getProbeTimeout()), selection.strategy(),
                selection.getInterval(), selection.getProbeTimeout().plusSeconds(1), Clock.systemUTC());
        reselect.bind(selector);
        environment.lifecycle().manage(selector);

        Affinity affinity = config.getAffinity().build(metrics);
        RoutingProxyServlet proxy = new RoutingProxyServlet(selector, config.getProxy().getConnectTimeout(),
                config.getProxy().retryPolicy(), affinity);
        ServletRegistration.Dynamic registration = environment.servlets().addServlet("proxy", proxy);
        registration.setInitParameters(config.getProxy().servletParameters());
        registration.setAsyncSupported(true);
        registration.addMapping("/*");

        environment.jersey().register(new HealthResource());
    }
}
