package io.mpp.discovery.marathon;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.core.setup.Environment;
import io.mpp.discovery.Locator;
import io.mpp.discovery.LocatorFactory;
import io.mpp.discovery.marathon.dcos.DcosAuthenticator;
import io.mpp.discovery.marathon.dcos.DcosLogin;
import io.mpp.discovery.marathon.dcos.DcosLoginHealthCheck;
import io.mpp.discovery.marathon.dcos.PrincipalSecret;
import io.mpp.util.GoDuration;
import io.mpp.util.GoDurationDeserializer;
import io.mpp.util.MaskedUrl;
import io.mpp.util.SmallFile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: marathon}: the backends are the tasks of Marathon apps ({@code MPP_MARATHON_URL},
 * {@code MPP_MARATHON_APPS}), with DC/OS service-account login when a principal secret is given.
 * The settings are checked in {@link #build}, so a wrong one stops mpp at start with a message naming it.
 */
@JsonTypeName("marathon")
public class MarathonLocatorFactory implements LocatorFactory {

    private static final Logger LOG = LoggerFactory.getLogger(MarathonLocatorFactory.class);

    /** MPP_MARATHON_URL: comma-separated Marathon base URLs; the next is used when one fails. */
    @JsonProperty
    private String urls = "";

    /** MPP_MARATHON_APPS: comma-separated app IDs whose tasks are the backends. */
    @JsonProperty
    private String apps = "";

    /** MPP_MARATHON_PORT: index or name of the task's Prometheus port. */
    @JsonProperty
    private String port = "0";

    /** MPP_INSECURE_CERTS: trust any TLS certificate of Marathon and the login endpoint. */
    @JsonProperty
    private boolean insecureCerts;

    /** MPP_MARATHON_CA_FILE: PEM CA bundle to trust, e.g. $MESOS_SANDBOX/.ssl/ca-bundle.crt. */
    @JsonProperty
    private String caFile = "";

    @JsonDeserialize(using = GoDurationDeserializer.class)
    @JsonProperty
    private Duration connectTimeout = Duration.ofSeconds(5);

    /** Time for a whole call to Marathon or to the login endpoint. */
    @JsonDeserialize(using = GoDurationDeserializer.class)
    @JsonProperty
    private Duration requestTimeout = Duration.ofSeconds(10);

    /** MPP_MARATHON_PRINCIPAL_SECRET: the service account's secret, its JSON text itself. */
    @JsonProperty
    private String principalSecret = "";

    /** MPP_MARATHON_PRINCIPAL_SECRET_FILE: a file holding the secret's JSON. */
    @JsonProperty
    private String principalSecretFile = "";

    /** DCOS_SERVICE_ACCOUNT_CREDENTIAL: the secret as DC/OS hands it to a task. */
    @JsonProperty
    private String serviceAccountCredential = "";

    /** MPP_MARATHON_AUTH_ENDPOINT: overrides the secret's login_endpoint. */
    @JsonProperty
    private String authEndpoint = "";

    /** MPP_MARATHON_EVENTS: follow /v2/events to reselect as soon as a task changes. */
    @JsonProperty
    private boolean events = true;

    public String getUrls() {
        return urls;
    }

    public String getApps() {
        return apps;
    }

    public boolean isInsecureCerts() {
        return insecureCerts;
    }

    @Override
    public boolean isEnabled() {
        return urls != null && !urls.isBlank();
    }

    @Override
    public Locator build(Environment environment, Runnable reselect) {
        List<URI> masters = masters(urls);
        List<String> appIds = appIds(apps);
        PortChoice portChoice = PortChoice.parse(port);
        Optional<PrincipalSecret> secret = secret();
        // Jetty takes whole milliseconds, and 0 for no timeout at all.
        GoDuration.atLeast("marathon locator: connectTimeout (MPP_MARATHON_CONNECT_TIMEOUT)", connectTimeout,
                Duration.ofMillis(1));
        GoDuration.atLeast("marathon locator: requestTimeout (MPP_MARATHON_TIMEOUT)", requestTimeout,
                Duration.ofMillis(1));

        HttpClient http = TlsClients.create("mpp-marathon", insecureCerts,
                caFile == null || caFile.isBlank() ? null : Path.of(caFile.strip()), connectTimeout);
        environment.lifecycle().manage(http);
        MarathonAuth auth = secret
                .<MarathonAuth>map(s -> new DcosAuthenticator(new DcosLogin(http, s, requestTimeout, Clock.systemUTC()),
                        Clock.systemUTC()))
                .orElse(MarathonAuth.NONE);
        MarathonClient client = new MarathonClient(masters, http, auth, requestTimeout);
        MarathonLocator locator = new MarathonLocator(client, appIds, portChoice, Clock.systemUTC());
        // The locator's own health check (named like it) is registered with every other locator's, in run().
        if (auth instanceof DcosAuthenticator login) {
            String check = "dcos-login:" + login.uid();
            if (!environment.healthChecks().getNames().contains(check)) { // two locators may share an account
                environment.healthChecks().register(check, new DcosLoginHealthCheck(login, Clock.systemUTC()));
            }
        }
        if (events) {
            environment.lifecycle().manage(new MarathonEventWatcher(client, Set.copyOf(appIds), reselect,
                    requestTimeout, Duration.ofSeconds(1), Duration.ofMinutes(1)));
        }
        LOG.info("Marathon locator: apps {} at {} ({}{}{})", appIds, masters, portChoice,
                secret.map(s -> ", DC/OS login as '" + s.uid() + "'").orElse(""), events ? ", following events" : "");
        return locator;
    }

    static List<URI> masters(String text) {
        if (text.contains("@")) {
            // Before splitting at commas: a password may hold one, and half of it would be quoted as a URL.
            throw new IllegalArgumentException("MPP_MARATHON_URL (urls): '" + MaskedUrl.of(text) + "' carries"
                    + " credentials; mpp logs in to DC/OS with a service account instead (docs/marathon.md)");
        }
        List<URI> masters = new ArrayList<>();
        for (String item : text.split(",")) {
            String value = item.strip();
            if (value.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(value.replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            String shown = MaskedUrl.of(value);
            if (!shown.equals(value) && (uri == null || uri.getHost() == null || uri.getRawUserInfo() != null)) {
                // They would be logged and shown on the status page with the URL.
                throw new IllegalArgumentException("MPP_MARATHON_URL (urls): '" + shown + "' carries credentials;"
                        + " mpp logs in to DC/OS with a service account instead (docs/marathon.md)");
            }
            String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("MPP_MARATHON_URL (urls): '" + shown + "' is not a Marathon base URL"
                        + " such as http://marathon.mesos:8080 or https://leader.mesos/service/marathon");
            }
            masters.add(uri);
        }
        if (masters.isEmpty()) {
            throw new IllegalArgumentException("MPP_MARATHON_URL (urls) lists no URL");
        }
        return masters;
    }

    static List<String> appIds(String text) {
        Set<String> ids = new LinkedHashSet<>();
        for (String item : (text == null ? "" : text).split(",")) {
            String value = item.strip();
            if (value.isEmpty()) {
                continue;
            }
            String id = ("/" + value).replaceAll("/+", "/").replaceAll("/$", "");
            if (!id.matches("(/[A-Za-z0-9][A-Za-z0-9._-]*)+") || id.contains("/../") || id.endsWith("/..")) {
                throw new IllegalArgumentException("MPP_MARATHON_APPS (apps): '" + value + "' is not a Marathon app ID"
                        + " (path segments of letters, digits, '-', '.', e.g. /monitoring/prometheus)");
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("MPP_MARATHON_APPS (apps) is required with MPP_MARATHON_URL: give the"
                    + " comma-separated IDs of the Marathon apps whose tasks are the Prometheus replicas,"
                    + " e.g. /prometheus");
        }
        return List.copyOf(ids);
    }

    /** The first secret given, in the order: the original's variable, a file, the DC/OS task variable. */
    Optional<PrincipalSecret> secret() {
        if (principalSecret != null && !principalSecret.isBlank()) {
            return Optional.of(PrincipalSecret.parse(principalSecret, "MPP_MARATHON_PRINCIPAL_SECRET", authEndpoint));
        }
        if (principalSecretFile != null && !principalSecretFile.isBlank()) {
            Path file = Path.of(principalSecretFile.strip());
            String text;
            try {
                text = new String(SmallFile.read(file, 64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("MPP_MARATHON_PRINCIPAL_SECRET_FILE: cannot read " + file + " ("
                        + SmallFile.why(e) + ")");
            }
            return Optional.of(PrincipalSecret.parse(text, "MPP_MARATHON_PRINCIPAL_SECRET_FILE " + file,
                    authEndpoint));
        }
        if (serviceAccountCredential != null && !serviceAccountCredential.isBlank()) {
            return Optional.of(PrincipalSecret.parse(serviceAccountCredential, "DCOS_SERVICE_ACCOUNT_CREDENTIAL",
                    authEndpoint));
        }
        if (authEndpoint != null && !authEndpoint.isBlank()) {
            LOG.warn("MPP_MARATHON_AUTH_ENDPOINT is set but no principal secret is: Marathon is called without login");
        }
        return Optional.empty();
    }
}
