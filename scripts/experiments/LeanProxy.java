import org.eclipse.jetty.server.*;
import org.eclipse.jetty.http.*;
import org.eclipse.jetty.io.*;
import org.eclipse.jetty.util.*;
import org.eclipse.jetty.util.thread.*;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;

/**
 * A measurement prototype, not part of mpp: Jetty's core server in front of one backend, with a minimal HTTP/1.1
 * backend connection built on Jetty's own jetty-io (ClientConnector, AbstractConnection) and HttpParser instead of
 * Jetty's HttpClient. Bodyless requests, one backend, no timeouts, no retries, no TLS. It answers one question for
 * docs/benchmarks.md: how much CPU per request Jetty's HttpClient costs mpp on the small query.
 *
 * Run (needs the project's classpath; from the repository root):
 *   mvn -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 *   javac -cp "$(cat /tmp/cp.txt)" -d /tmp/lean scripts/experiments/LeanProxy.java
 *   java -XX:+UseParallelGC -Xmx512m -cp "/tmp/lean:$(cat /tmp/cp.txt)" LeanProxy PORT PROMETHEUS_PORT
 * then load it with wrk next to nginx and mpp, and read the CPU time of each process from /proc.
 */
public class LeanProxy {
    static final ThreadLocal<Boolean> INLINE = new ThreadLocal<>();
    static class InlineQTP extends QueuedThreadPool {
        InlineQTP() { super(200); }
        @Override public void execute(Runnable job) {
            if (INLINE.get() != null && job instanceof org.eclipse.jetty.server.internal.HttpConnection) { INLINE.remove(); job.run(); return; }
            super.execute(job);
        }
    }
    static ClientConnector connector;
    static InetSocketAddress backend;
    static String hostHeader;
    static final ConcurrentLinkedDeque<BackendConnection> idle = new ConcurrentLinkedDeque<>();
    static final EnumSet<HttpHeader> HOP = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE, HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE, HttpHeader.PROXY_CONNECTION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_AUTHORIZATION);

    public static void main(String[] a) throws Exception {
        backend = new InetSocketAddress("127.0.0.1", Integer.parseInt(a[1]));
        hostHeader = "127.0.0.1:" + a[1];
        Server server = new Server(new InlineQTP());
        HttpConfiguration cfg = new HttpConfiguration();
        cfg.setSendDateHeader(false); cfg.setSendServerVersion(false);
        ServerConnector c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(cfg));
        c.setHost("127.0.0.1"); c.setPort(Integer.parseInt(a[0]));
        server.addConnector(c);
        connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(server.getThreadPool());
        server.addBean(connector);
        server.setHandler(new Handler.Abstract(InvocationType.NON_BLOCKING) {
            @Override public boolean handle(Request req, Response resp, Callback cb) {
                BackendConnection conn = idle.pollFirst();
                if (conn != null) { conn.send(req, resp, cb); return true; }
                Map<String, Object> ctx = new HashMap<>();
                ctx.put(Transport.CONTEXT_KEY, Transport.TCP_IP);
                ctx.put(ClientConnectionFactory.CONTEXT_KEY, (ClientConnectionFactory) (endPoint, context) -> new BackendConnection(endPoint));
                ctx.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<org.eclipse.jetty.io.Connection>() {
                    public void succeeded(org.eclipse.jetty.io.Connection x) { ((BackendConnection) x).send(req, resp, cb); }
                    public void failed(Throwable x) { Response.writeError(req, resp, cb, 502); }
                });
                connector.connect(backend, ctx);
                return true;
            }
        });
        server.start();
        server.join();
    }

    static final class BackendConnection extends AbstractConnection.NonBlocking implements HttpParser.ResponseHandler {
        final HttpParser parser = new HttpParser(this);
        ByteBuffer in = ByteBuffer.allocateDirect(16384);
        Request req; Response resp; Callback cb;
        boolean paused, done;

        BackendConnection(EndPoint ep) { super(ep, connector.getExecutor()); in.flip(); }



        void send(Request req, Response resp, Callback cb) {
            this.req = req; this.resp = resp; this.cb = cb;
            StringBuilder sb = new StringBuilder(256);
            sb.append(req.getMethod()).append(' ').append(req.getHttpURI().getPathQuery()).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
            for (HttpField f : req.getHeaders()) {
                HttpHeader h = f.getHeader();
                if (h == HttpHeader.HOST || (h != null && HOP.contains(h))) continue;
                sb.append(f.getName()).append(": ").append(f.getValue()).append("\r\n");
            }
            sb.append("X-Forwarded-For: ").append(Request.getRemoteAddr(req)).append("\r\n\r\n");
            ByteBuffer out = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            getEndPoint().write(Callback.from(InvocationType.NON_BLOCKING, this::fillInterested, x -> fail(x)), out);
        }

        void fail(Throwable x) { getEndPoint().close(); if (cb != null) { Callback c = cb; cb = null; c.failed(x); } }

        @Override public void onFillable() {
            try {
                while (true) {
                    if (!in.hasRemaining()) {
                        in.clear(); in.flip();
                        int n = getEndPoint().fill(in);
                        if (n == 0) { fillInterested(); return; }
                        if (n < 0) { fail(new java.io.EOFException()); return; }
                    }
                    boolean stop = parser.parseNext(in);
                    if (paused) return;
                    if (done) {
                        done = false;
                        Callback c = cb; cb = null; req = null; resp = null;
                        parser.reset();
                        idle.offerFirst(this);
                        INLINE.set(Boolean.TRUE);
                        try { c.succeeded(); } finally { INLINE.remove(); }
                        return;
                    }
                }
            } catch (Throwable x) { fail(x); }
        }

        public void startResponse(HttpVersion v, int status, String reason) { resp.setStatus(status); }
        public void parsedHeader(HttpField f) { HttpHeader h = f.getHeader(); if (h == null || !HOP.contains(h)) resp.getHeaders().add(f); }
        public boolean headerComplete() { return false; }
        final java.util.concurrent.atomic.AtomicInteger wstate = new java.util.concurrent.atomic.AtomicInteger();
        public boolean content(ByteBuffer item) {
            wstate.set(0); // 0 writing, 1 done
            resp.write(false, item, Callback.from(InvocationType.NON_BLOCKING, () -> {
                if (!wstate.compareAndSet(0, 1)) { paused = false; onFillable(); }
            }, x -> fail(x)));
            if (wstate.compareAndSet(0, 2)) { paused = true; return true; } // completes later
            return false; // written already: go on parsing
        }
        public boolean contentComplete() { return false; }
        public boolean messageComplete() { done = true; return true; }
        public void earlyEOF() { fail(new java.io.EOFException()); }
        public void badMessage(HttpException f) { fail((Throwable) f); }
    }
}
