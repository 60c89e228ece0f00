package io.mpp.proxy;

import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;

/**
 * Completes a proxied answer so that its client connection is resumed on the completing thread.
 *
 * <p>An answer completes on the thread that read the backend's last bytes. Jetty then resumes the client's connection
 * (to read its next request) by handing it to a pool thread, which nearly always finds nothing to read yet and only
 * re-arms the selector: a thread wake-up and two context switches per request, a sixth of mpp's CPU on the small
 * query benchmark. The server is non-blocking ({@code FrontHandler}), so that resume may as well run here; the
 * server's thread pool ({@code MppThreadPool}) asks {@link #takes} whether to run a job in place.
 */
public final class InlineResume {

    private static final ThreadLocal<Boolean> COMPLETING = new ThreadLocal<>();

    private InlineResume() {
    }

    /** Succeeds the server's callback of a proxied request, letting its connection resume on this thread. */
    static void succeed(Callback callback) {
        COMPLETING.set(Boolean.TRUE);
        try {
            callback.succeeded();
        } finally {
            COMPLETING.remove();
        }
    }

    /**
     * Whether the pool should run this job in place: the first connection resume asked for while {@link #succeed}
     * runs on this thread. Anything else goes to the pool as usual.
     */
    public static boolean takes(Runnable job) {
        if (job instanceof HttpConnection && COMPLETING.get() != null) {
            COMPLETING.remove();
            return true;
        }
        return false;
    }
}
