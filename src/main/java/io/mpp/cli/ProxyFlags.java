package io.mpp.cli;

import static io.mpp.cli.Flag.option;
import static io.mpp.cli.Flag.toggle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.ArgumentType;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * The {@code proxy} command's flags: the Go original's, with its short forms and variables, then mpp's own. Every
 * other {@code MPP_*} variable config.yml uses gets a flag derived from its name, so a setting added to config.yml
 * is settable from the command line without touching this class.
 */
public final class ProxyFlags {

    /** The Go original's flags (REFERENCE section 1), same names, short forms and variables. */
    public static final List<Flag> ORIGINAL = List.of(
            option("--kubeconfig", "MPP_KUBECONFIG", "FILE", ValueChecks.ANY,
                    "kubeconfig file for the Kubernetes locator; empty: the in-cluster configuration"),
            option("--kube-service-name", "MPP_KUBE_SERVICE_NAME", "NAME", ValueChecks.SERVICE_NAME_OR_EMPTY,
                    "Kubernetes service whose endpoints are the backends; wins over the pod label selector"),
            option("--kube-pod-label-selector", "MPP_KUBE_POD_LABEL_SELECTOR", "SELECTOR", ValueChecks.ANY,
                    "label selector of the Prometheus pods, e.g. app=prometheus"),
            option("--kube-namespace", "MPP_KUBE_NAMESPACE", "NAMESPACE", ValueChecks.DNS_LABEL_OR_EMPTY,
                    "Kubernetes namespace of the service or pods"),
            // An EndpointSlice lists the service's port names with the target ports' numbers: the service's own
            // port number (e.g. 80 in front of 9090) matches nothing.
            option("--kube-port", "MPP_KUBE_PORT", "PORT", ValueChecks.KUBE_PORT,
                    "Prometheus's port; service mode: the service port's name or its target port's number; pod mode:"
                            + " a container port's name or number; empty: the first TCP port"),
            option("--marathon-url", "MPP_MARATHON_URL", "URLS", ValueChecks.HTTP_URL_LIST,
                    "Marathon URL; a comma list is tried in order (failover between masters)"),
            option("--marathon-apps", "MPP_MARATHON_APPS", "IDS", ValueChecks.MARATHON_APP_IDS,
                    "comma list of the Marathon app IDs of the Prometheus replicas; needed with --marathon-url"),
            toggle("--insecure-certs", "-k", "MPP_INSECURE_CERTS",
                    "do not verify TLS certificates of https backends, Marathon and the DC/OS login"),
            option("--marathon-principal-secret", "MPP_MARATHON_PRINCIPAL_SECRET", "JSON",
                    ValueChecks.JSON_OBJECT_OR_EMPTY,
                    "DC/OS service-account secret (its JSON text); prefer the variable, a flag shows in ps"),
            option("--marathon-auth-endpoint", "MPP_MARATHON_AUTH_ENDPOINT", "URL", ValueChecks.HTTP_URL_OR_EMPTY,
                    "DC/OS login URL; overrides the secret's login_endpoint"),
            option("--endpoints-file", "MPP_ENDPOINTS_FILE", "FILE", ValueChecks.ANY,
                    "file of backend URLs, one per line, re-read at every selection"),
            option("--routing-strategy", "MPP_ROUTING_STRATEGY", "STRATEGY", ValueChecks.ROUTING_STRATEGY,
                    "how backends are chosen, name[:argument]"),
            option("--selection-interval", "MPP_SELECTION_INTERVAL", "DURATION", ValueChecks.INTERVAL,
                    "how often backends are measured and chosen again"),
            option("--affinity-options", "MPP_AFFINITY_OPTIONS", "OPTIONS", ValueChecks.AFFINITY_OPTIONS,
                    "comma list of cookies, sourceip: keeps a client on one backend; none: off"),
            option("--port", "MPP_PORT", "PORT", ValueChecks.PORT, "port the proxy listens on"),
            toggle("--verbose", "-V", "MPP_VERBOSE", "debug logging"));

    /** mpp's own settings whose values can be checked before start. */
    public static final List<Flag> MPP = List.of(
            option("--admin-port", "MPP_ADMIN_PORT", "PORT", ValueChecks.PORT,
                    "port of the admin server (health checks, metrics, tasks)"),
            option("--bind-host", "MPP_BIND_HOST", "HOST", ValueChecks.BIND_HOST,
                    "address both ports bind to; empty: every interface"),
            option("--shutdown-grace-period", "MPP_SHUTDOWN_GRACE_PERIOD", "DURATION",
                    ValueChecks.DROPWIZARD_DURATION, "on SIGTERM, how long requests in flight may take to finish"),
            option("--probe-timeout", "MPP_PROBE_TIMEOUT", "DURATION", ValueChecks.TIMEOUT,
                    "time a backend has to answer a measurement"),
            option("--connect-timeout", "MPP_CONNECT_TIMEOUT", "DURATION", ValueChecks.TIMEOUT,
                    "time to open a connection to a backend"),
            option("--response-timeout", "MPP_RESPONSE_TIMEOUT", "DURATION", ValueChecks.TIMEOUT,
                    "time a whole proxied exchange may take"),
            option("--idle-timeout", "MPP_IDLE_TIMEOUT", "DURATION", ValueChecks.TIMEOUT,
                    "longest silence within a proxied answer; idle backend connections close after it"));

    private ProxyFlags() {
    }

    /** The declared flags, then a derived flag for each variable of config.yml that none of them sets. */
    public static List<Flag> all(ConfigVariables config) {
        List<Flag> flags = new ArrayList<>(ORIGINAL);
        flags.addAll(MPP);
        Set<String> declared = flags.stream().map(Flag::variable).collect(Collectors.toSet());
        config.defaults().keySet().stream()
                .filter(variable -> !declared.contains(variable))
                .map(variable -> Flag.derivedFrom(variable, config.defaultOf(variable), config.settingOf(variable)))
                .forEach(flags::add);
        return List.copyOf(flags);
    }

    /** Adds the flags to a parser; each stores its checked text under its variable's name. */
    public static void define(ArgumentParser parser, List<Flag> flags, ConfigVariables config) {
        for (Flag flag : flags) {
            Argument argument = parser.addArgument(flag.spellings())
                    .dest(flag.variable())
                    .type(checked(flag))
                    .help(flag.help() + " " + origin(flag, config));
            if (flag.isSwitch()) {
                argument.nargs("?").setConst("true").metavar("BOOL");
            } else {
                argument.metavar(flag.metavar());
            }
        }
    }

    /** The flags given on the command line: variable -> checked value. */
    public static Map<String, String> given(Namespace namespace, List<Flag> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Flag flag : flags) {
            String value = namespace.getString(flag.variable());
            if (value != null) {
                values.put(flag.variable(), value);
            }
        }
        return values;
    }

    private static String origin(Flag flag, ConfigVariables config) {
        if (!config.uses(flag.variable())) {
            return "(" + flag.variable() + "; not used by this build's config.yml)";
        }
        String value = config.defaultOf(flag.variable());
        return "(" + flag.variable() + ", default " + (value.isEmpty() ? "empty" : value) + ")";
    }

    private static ArgumentType<String> checked(Flag flag) {
        return (ArgumentParser parser, Argument argument, String text) -> {
            try {
                return flag.check().check(text);
            } catch (IllegalArgumentException e) {
                throw new ArgumentParserException(flag.name() + ": " + e.getMessage(), parser);
            }
        };
    }
}
