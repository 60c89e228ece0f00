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
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * {@code server.type: mpp}: Dropwizard's default server with the proxy in front of its servlet contexts (see
 * {@link FrontHandler}), and without the per-request metrics wrapper on the application context: every proxied
 * request would pay for a second set of timers; mpp records its own, by backend.
 */
@JsonTypeName("mpp")
public class MppServerFactory extends DefaultServerFactory {

    private Handler proxy;

    /** The handler of every path outside the Jersey root path ({@code /mpp/*}); it must never block. */
    public void setProxy(Handler proxy) {
        this.proxy = proxy;
    }

    /** The path prefix the servlet contexts keep: the Jersey root path without its {@code *}. */
    String servletPrefix() {
        String root = getJerseyRootPath().orElse("/*");
        String prefix = root.endsWith("*") ? root.substring(0, root.length() - 1) : root;
        if (!prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        if (prefix.equals("/")) {
            throw new IllegalStateException("server.rootPath must not be /*: the proxy owns every path outside it"
                    + " (mpp's config.yml has /mpp/*)");
        }
        return prefix;
    }

    /** Dropwizard's pool, as it builds it, but one that lets proxied answers resume their connection in place. */
    @Override
    protected ThreadPool createThreadPool(MetricRegistry metricRegistry) {
        if (isEnableVirtualThreads()) {
            throw new IllegalStateException("server.enableVirtualThreads is not supported: mpp's proxy never blocks");
        }
        MppThreadPool pool = new MppThreadPool(metricRegistry, getMaxThreads(), getMinThreads(),
                (int) getIdleThreadTimeout().toMilliseconds(), new BlockingArrayQueue<>(getMinThreads(),
                getMaxThreads()));
        pool.setName("dw");
        return pool;
    }

    /** Called with Dropwizard's routing handler of both ports: the place to put the proxy in front of it. */
    @Override
    protected Handler buildGzipHandler(Handler handler) {
        Handler servlets = super.buildGzipHandler(handler);
        if (proxy == null) {
            throw new IllegalStateException("no proxy handler was set on the mpp server factory");
        }
        return new FrontHandler(proxy, servlets, servletPrefix());
    }

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
