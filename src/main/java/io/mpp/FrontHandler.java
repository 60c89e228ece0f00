package io.mpp;

import java.util.List;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The top of mpp's handler tree. Requests on an application port outside the servlet prefix ({@code /mpp/}) go to
 * the proxy at once, on the thread that read them: the proxy never blocks. Everything else ({@code /mpp/*}, the
 * admin port) may block in Dropwizard's servlet contexts, so it is handed to a pool thread first. Saying
 * {@link InvocationType#NON_BLOCKING} here is what lets Jetty skip a thread hand-off for every proxied request.
 */
final class FrontHandler extends Handler.AbstractContainer {

    /** The name Dropwizard gives its application connectors (the admin ones are "admin"). */
    static final String APPLICATION_CONNECTOR = "application";

    private final Handler proxy;
    private final Handler servlets;
    private final String servletPrefix;

    /**
     * @param proxy         a handler that never blocks
     * @param servlets      Dropwizard's handler of the application and admin servlet contexts
     * @param servletPrefix paths on the application port starting with this go to the servlets
     */
    FrontHandler(Handler proxy, Handler servlets, String servletPrefix) {
        super(false);
        this.proxy = proxy;
        this.servlets = servlets;
        this.servletPrefix = servletPrefix;
        installBean(proxy);
        installBean(servlets);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connector connector = request.getConnectionMetaData().getConnector();
        if (APPLICATION_CONNECTOR.equals(connector.getName())
                && !Request.getPathInContext(request).startsWith(servletPrefix)) {
            return proxy.handle(request, response, callback);
        }
        Executor pool = connector.getExecutor();
        pool.execute(() -> handleInServlets(request, response, callback));
        return true;
    }

    private void handleInServlets(Request request, Response response, Callback callback) {
        try {
            if (!servlets.handle(request, response, callback)) {
                Response.writeError(request, response, callback, 404);
            }
        } catch (Throwable x) {
            Response.writeError(request, response, callback, x);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    @Override
    public List<Handler> getHandlers() {
        return List.of(proxy, servlets);
    }
}
