package io.mpp;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.dropwizard.jetty.MutableServletContextHandler;
import jakarta.servlet.Servlet;
import jakarta.validation.Validator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * {@code server.type: mpp}: Dropwizard's default server without its per-request metrics wrapper on the application
 * context. Every proxied request would pay for a second set of timers; mpp records its own, by backend.
 */
@JsonTypeName("mpp")
public class MppServerFactory extends DefaultServerFactory {

    @Override
    protected Handler createAppServlet(Server server, JerseyEnvironment jersey, ObjectMapper objectMapper,
                                       Validator validator, MutableServletContextHandler handler,
                                       Servlet jerseyContainer, MetricRegistry metricRegistry) {
        Handler instrumented = super.createAppServlet(server, jersey, objectMapper, validator, handler,
                jerseyContainer, metricRegistry);
        if (instrumented instanceof Handler.Wrapper wrapper && wrapper.getHandler() == handler) {
            wrapper.setHandler((Handler) null);
            return handler;
        }
        return instrumented;
    }
}
