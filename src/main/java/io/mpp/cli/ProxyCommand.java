package io.mpp.cli;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.mpp.MppConfiguration;
import io.mpp.StartupFailure;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code java -jar mpp.jar proxy [flags]}: the Go original's command line. It runs exactly what {@code server
 * config.yml} runs, from the config.yml inside the jar, with each flag taking the place of its {@code MPP_*}
 * variable: flag, else variable, else config.yml's default.
 */
public final class ProxyCommand extends ServerCommand<MppConfiguration> {

    static final String HINT = "run 'java -jar mpp.jar proxy --help' for the flags";

    private final UnaryOperator<String> environment;
    private final ConfigVariables config;
    private final List<Flag> flags;

    public ProxyCommand(Application<MppConfiguration> application) {
        this(application, System::getenv, ConfigVariables.bundled());
    }

    /** @param environment the variables' source, the process environment outside tests */
    public ProxyCommand(Application<MppConfiguration> application, UnaryOperator<String> environment,
            ConfigVariables config) {
        super(application, "proxy", "Runs mpp with the Go original's flags (each overrides its MPP_* variable)");
        this.environment = environment;
        this.config = config;
        this.flags = ProxyFlags.all(config);
    }

    @Override
    public void configure(Subparser subparser) {
        // No config file argument: the command always runs the config.yml bundled in the jar.
        ProxyFlags.define(subparser, flags, config);
        subparser.addArgument("-v", "--version").action(new VersionAction()).help("print mpp's version and exit");
        subparser.epilog("Every flag overrides its MPP_* environment variable; without either, config.yml's"
                + " default applies. The settings table of README.md says what each setting does.");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        Map<String, String> given = ProxyFlags.given(namespace, flags);
        checkGiven(given);
        bootstrap.setConfigurationSourceProvider(configurationSource(given));
        Map<String, Object> attributes = new HashMap<>(namespace.getAttrs());
        attributes.put("file", ConfigVariables.BUNDLED);
        super.run(bootstrap, new Namespace(attributes));
    }

    /** The bundled config.yml with flag, else variable, else default substituted. */
    ConfigurationSourceProvider configurationSource(Map<String, String> given) {
        return new SubstitutingSourceProvider(new ResourceConfigurationSourceProvider(),
                new FlagSubstitutor(given, environment));
    }

    List<Flag> flags() {
        return flags;
    }

    /** Rules spanning flags, and flags this build's config.yml would silently ignore. */
    void checkGiven(Map<String, String> given) {
        for (Flag flag : flags) {
            if (given.containsKey(flag.variable()) && !config.uses(flag.variable())) {
                throw new UsageException(flag.name() + " is not supported by this build: its config.yml does not"
                        + " use " + flag.variable());
            }
        }
        if (config.uses("MPP_MARATHON_URL") && !resolve("MPP_MARATHON_URL", given).isBlank()
                && resolve("MPP_MARATHON_APPS", given).isBlank()) {
            throw new UsageException("--marathon-url needs --marathon-apps (or MPP_MARATHON_APPS): the IDs of the"
                    + " Prometheus apps to proxy");
        }
    }

    /** A variable's value as config.yml will see it. */
    private String resolve(String variable, Map<String, String> given) {
        String value = given.containsKey(variable) ? given.get(variable) : environment.apply(variable);
        if (value == null) {
            String fallback = config.defaultOf(variable);
            return fallback == null ? "" : fallback;
        }
        return value;
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof UsageException) {
            cli.getStdErr().println("mpp proxy: " + e.getMessage());
            cli.getStdErr().println(HINT);
        } else {
            cli.getStdErr().println(StartupFailure.describe(e));
        }
    }
}
