package io.mpp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpp.config.BindHost;
import io.mpp.config.GoBooleans;
import io.mpp.discovery.kubernetes.KubernetesLocatorFactory;
import io.mpp.discovery.marathon.PortChoice;
import io.mpp.proxy.affinity.AffinityFactory;
import io.mpp.proxy.affinity.AffinityOptions;
import io.mpp.selection.RoutingStrategies;
import io.mpp.util.GoDuration;
import io.mpp.util.MaskedUrl;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The checks of the proxy command's flags, each naming what it accepts. */
public final class ValueChecks {

    private static final Pattern APP_ID =
            Pattern.compile("/?[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*/?");
    private static final Pattern PORT_NAME = Pattern.compile("(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final ValueCheck ANY = text -> text;

    /**
     * The check of a flag derived from a config.yml variable ({@link Flag#derivedFrom}): the reader config.yml uses
     * for the settings whose value is no plain text, else one by the shape of the default (a duration, a switch),
     * so that a wrong value is a usage error naming the flag, as for the declared flags.
     */
    static ValueCheck forDerived(String variable, String defaultValue) {
        ValueCheck known = switch (variable) {
            case "MPP_MAX_RETRIES" -> text -> wholeNumber(text, 0, 10, "a number of retries");
            case "MPP_RETRY_BODY_LIMIT" -> DATA_SIZE;
            case "MPP_MARATHON_PORT" -> readBy(PortChoice::parse);
            case "MPP_KUBE_SCHEME" -> readBy(new KubernetesLocatorFactory()::setScheme);
            case "MPP_AFFINITY_TRUSTED_PROXIES" -> readBy(new AffinityFactory()::setTrustedProxies);
            case "MPP_HEADERS_TIMEOUT" -> TIMEOUT;
            case "MPP_KUBE_TIMEOUT" -> goDurationAtLeast(Duration.ofMillis(100));
            case "MPP_KUBE_WATCH_TIMEOUT" -> goDurationAtLeast(Duration.ofSeconds(1));
            case "MPP_MARATHON_CONNECT_TIMEOUT", "MPP_MARATHON_TIMEOUT" -> goDurationAtLeast(Duration.ofMillis(1));
            case "MPP_AFFINITY_COOKIE_NAME" -> readBy(new AffinityFactory()::setCookieName);
            // The reader's message names the rule, never the key.
            case "MPP_AFFINITY_KEY" -> readBy(new AffinityFactory()::setKey);
            default -> null;
        };
        if (known != null) {
            return known;
        }
        if (defaultValue.equals("true") || defaultValue.equals("false")) {
            return BOOLEAN;
        }
        if (!defaultValue.isEmpty() && !defaultValue.chars().allMatch(Character::isDigit)) {
            try {
                GoDuration.parse(defaultValue);
                return GO_DURATION;
            } catch (IllegalArgumentException notADuration) {
                return ANY;
            }
        }
        return ANY;
    }

    /** The check of the reader config.yml uses for the setting: the flag takes exactly what the setting takes. */
    private static ValueCheck readBy(Consumer<String> reader) {
        return text -> {
            reader.accept(text);
            return text.strip();
        };
    }

    private static String wholeNumber(String text, int min, int max, String what) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return Integer.toString(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not " + what + " (" + min + " to " + max + ")");
    }

    /** Dropwizard's size syntax. */
    public static final ValueCheck DATA_SIZE = text -> {
        try {
            io.dropwizard.util.DataSize.parse(text.strip());
            return text.strip();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 512KiB, 1MiB or 4MB");
        }
    };

    /** Go's strconv.ParseBool spellings, as the original's boolean flags take them. */
    public static final ValueCheck BOOLEAN = text -> {
        Boolean value = GoBooleans.parse(text);
        if (value == null) {
            throw new IllegalArgumentException("'" + text + "' is not a boolean; use true or false");
        }
        return value.toString();
    };

    public static final ValueCheck PORT = text -> {
        try {
            int port = Integer.parseInt(text.strip());
            if (port >= 0 && port <= 65535) {
                return Integer.toString(port);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not a TCP port (0 to 65535)");
    };

    /** The reader config.yml's bindHost settings use. */
    public static final ValueCheck BIND_HOST = BindHost::check;

    public static final ValueCheck GO_DURATION = text -> {
        GoDuration.parse(text);
        return text.strip();
    };

    /** The selection interval's least. */
    public static final ValueCheck INTERVAL = goDurationAtLeast(Duration.ofMillis(100));
    /** The least of the probe's and the proxy's timeouts. */
    public static final ValueCheck TIMEOUT = goDurationAtLeast(Duration.ofMillis(10));

    /** A duration no shorter than the setting takes, so that the flag, not config.yml, is named when it is. */
    static ValueCheck goDurationAtLeast(Duration minimum) {
        return text -> {
            if (GoDuration.parse(text).compareTo(minimum) < 0) {
                throw new IllegalArgumentException("'" + text.strip() + "' is too short: at least "
                        + GoDuration.format(minimum));
            }
            return text.strip();
        };
    }

    /** Dropwizard's own duration syntax, for settings Dropwizard reads itself (e.g. the shutdown grace period). */
    public static final ValueCheck DROPWIZARD_DURATION = text -> {
        try {
            io.dropwizard.util.Duration.parse(text.strip());
            return text.strip();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 15s or 2m");
        }
    };

    public static final ValueCheck ROUTING_STRATEGY = readBy(RoutingStrategies::parse);

    /** The same parser mpp uses at start, so the flag accepts exactly what the configuration does. */
    public static final ValueCheck AFFINITY_OPTIONS = readBy(AffinityOptions::parse);

    public static final ValueCheck HTTP_URL_OR_EMPTY = text -> {
        if (!text.isBlank()) {
            httpUrl(text.strip());
        }
        return text.strip();
    };

    /** The original's failover list of Marathon masters. */
    public static final ValueCheck HTTP_URL_LIST = text -> {
        for (String url : text.split(",")) {
            if (!url.isBlank()) {
                httpUrl(url.strip());
            }
        }
        return text.strip();
    };

    public static final ValueCheck MARATHON_APP_IDS = text -> {
        for (String id : text.split(",")) {
            if (!id.isBlank() && !APP_ID.matcher(id.strip()).matches()) {
                throw new IllegalArgumentException("'" + id.strip() + "' is not a Marathon app ID such as"
                        + " /monitoring/prometheus (path segments of letters, digits, '-', '.', '_')");
            }
        }
        return text.strip();
    };

    /**
     * A port name or number; empty means the first TCP port. A service's port names have up to 63 characters, a
     * container's up to 15: the locator checks the latter once it knows the mode.
     */
    public static final ValueCheck KUBE_PORT = text -> {
        String port = text.strip();
        if (!port.isEmpty() && port.chars().allMatch(Character::isDigit)) {
            // Not PORT's 0 to 65535: 0 means "any port" to a listener, but no Kubernetes port is 0, and the locator
            // refuses it at start.
            int number = port.length() > 5 ? 0 : Integer.parseInt(port);
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("'" + port + "' is not a TCP port (1 to 65535)");
            }
            return Integer.toString(number);
        }
        if (port.isEmpty() || PORT_NAME.matcher(port).matches()) {
            return port;
        }
        throw new IllegalArgumentException("'" + port + "' is neither a port number nor a port name"
                + " (up to 63 lowercase letters, digits and '-'; a container port name in pod mode: up to 15)");
    };

    public static final ValueCheck DNS_LABEL_OR_EMPTY = text -> {
        String name = text.strip();
        if (!name.isEmpty() && (name.length() > 63 || !DNS_LABEL.matcher(name).matches())) {
            throw new IllegalArgumentException("'" + name + "' is not a Kubernetes name (up to 63 lowercase"
                    + " letters, digits and '-', starting and ending with a letter or digit)");
        }
        return name;
    };

    /** A Service's name, as the Kubernetes locator takes it at start: unlike a namespace, it starts with a letter. */
    public static final ValueCheck SERVICE_NAME_OR_EMPTY = text -> {
        String name = text.strip();
        if (!name.isEmpty() && !KubernetesLocatorFactory.isServiceName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a Kubernetes service name "
                    + KubernetesLocatorFactory.SERVICE_NAME_RULE);
        }
        return name;
    };

    /** The service account's secret: JSON text. The message never repeats the text, it holds a private key. */
    public static final ValueCheck JSON_OBJECT_OR_EMPTY = text -> {
        if (text.isBlank()) {
            return text;
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(
                        "the value is not a JSON object (its text is not shown: it is a secret)");
            }
        } catch (JsonProcessingException e) {
            // Past the reader's limits (nesting, number length) Jackson knows no location.
            String where = e.getLocation() == null ? " (too deeply nested, or a number too long)"
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IllegalArgumentException("the value is not valid JSON" + where
                    + " (its text is not shown: it is a secret)");
        }
        return text;
    };

    private ValueChecks() {
    }

    private static void httpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + MaskedUrl.of(text)
                + "' is not an http:// or https:// URL with a host");
    }
}
