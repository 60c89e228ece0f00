package io.mpp.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.google.common.net.InetAddresses;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.mpp.util.GoDuration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * MPP_BIND_HOST, the address the ports listen on: stripped, and either empty (every interface), an IP address or a
 * host name that resolves. Checked when the configuration is read, so that {@code check} finds a wrong one and the
 * start does not end in Jetty's UnresolvedAddressException with a stack trace. Names are resolved within a bound:
 * a resolver that hangs must not hang the start.
 */
public final class BindHost {

    static final Duration RESOLVE_LIMIT = Duration.ofSeconds(5);
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_NAME = Pattern.compile("(?=.{1,253}$)" + LABEL + "(\\." + LABEL + ")*\\.?");
    private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9.]+");
    private static final String ACCEPTED = "MPP_BIND_HOST takes an address of this host such as 127.0.0.1 or ::1,"
            + " a host name, or nothing for every interface";

    /** How a name is looked up; the system's resolver outside tests. */
    @FunctionalInterface
    interface Resolver {
        void resolve(String name) throws UnknownHostException;
    }

    private BindHost() {
    }

    /**
     * The value config.yml gets.
     *
     * @throws IllegalArgumentException naming the value, MPP_BIND_HOST and what it takes
     */
    public static String check(String text) {
        return check(text, InetAddress::getByName, RESOLVE_LIMIT);
    }

    static String check(String text, Resolver resolver, Duration limit) {
        String host = text == null ? "" : text.strip();
        if (host.isEmpty() || InetAddresses.isInetAddress(host) || InetAddresses.isUriInetAddress(host)) {
            return host;
        }
        // 999.1.1.1 or 1.2.3 is no address, and Java would read the second as 1.2.0.3.
        if (!HOST_NAME.matcher(host).matches() || DOTTED_NUMBERS.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is neither an IP address nor a host name; " + ACCEPTED);
        }
        resolveWithin(host, resolver, limit);
        return host;
    }

    private static void resolveWithin(String host, Resolver resolver, Duration limit) {
        FutureTask<Void> lookup = new FutureTask<>(() -> {
            resolver.resolve(host);
            return null;
        });
        // A daemon thread: a lookup that never returns is abandoned, and does not keep the JVM alive.
        Thread thread = new Thread(lookup, "mpp-bind-host-lookup");
        thread.setDaemon(true);
        thread.start();
        try {
            lookup.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new IllegalArgumentException("'" + host + "' did not resolve within "
                    + GoDuration.format(limit) + "; " + ACCEPTED);
        } catch (ExecutionException e) {
            String why = e.getCause() instanceof UnknownHostException ? "" : " (" + e.getCause() + ")";
            throw new IllegalArgumentException("'" + host + "' does not resolve to an address" + why + "; "
                    + ACCEPTED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while resolving '" + host + "'");
        }
    }

    /** Makes the configuration check every connector's {@code bindHost} (the application's and the admin's). */
    public static ObjectMapper checkedBy(ObjectMapper mapper) {
        return mapper.addMixIn(HttpConnectorFactory.class, CheckedBindHost.class);
    }

    /** Dropwizard's own setter, with this reader. */
    private abstract static class CheckedBindHost {
        @JsonDeserialize(using = Reader.class)
        abstract void setBindHost(String bindHost);
    }

    private static final class Reader extends StdScalarDeserializer<String> {

        Reader() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                return (String) ctxt.handleUnexpectedToken(String.class, p);
            }
            try {
                return check(text);
            } catch (IllegalArgumentException e) {
                // Not Jackson's own format error, whose message Dropwizard replaces with the types involved.
                throw JsonMappingException.from(p, e.getMessage());
            }
        }
    }
}
