package io.mpp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback backend that speaks HTTP/1.1 from a script, byte by byte, for answers no real server gives on demand:
 * interim answers, answers ended by closing, broken or invalid ones, connections closed after an answer. It passes
 * mpp's liveness probe. Every request is recorded with the number of the connection it came on.
 */
public final class ScriptedBackend implements AutoCloseable {

    /** What a path answers: write raw bytes to {@code out}; return false to close the connection afterwards. */
    @FunctionalInterface
    public interface Script {
        boolean answer(Received request, OutputStream out) throws IOException, InterruptedException;
    }

    /** A request as it arrived, with the port mpp's side of its connection has. Header names are lower case. */
    public record Received(int connection, int peerPort, String method, String target, Map<String, String> headers,
                           byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final String UP = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Integer> closedByPeer = new CopyOnWriteArrayList<>();

    private ScriptedBackend(ServerSocket server) {
        this.server = server;
    }

    public static ScriptedBackend start() throws IOException {
        ScriptedBackend backend = new ScriptedBackend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        backend.threads.execute(backend::accept);
        return backend;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Answers requests whose path is {@code path} with the script. */
    public ScriptedBackend on(String path, Script script) {
        scripts.put(path, script);
        return this;
    }

    /** An answer with a Content-Length, kept alive. */
    public static byte[] ok(String body) {
        return ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The numbers of the connections that the peer (mpp) closed or broke, in order. */
    public List<Integer> closedByPeer() {
        return List.copyOf(closedByPeer);
    }

    /** Requests to paths other than the probe's, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int number = connections.incrementAndGet();
                threads.execute(() -> serve(socket, number));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket, int number) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                Received request = read(in, number, socket.getPort());
                if (request == null) {
                    closedByPeer.add(number);
                    return;
                }
                String path = request.target().split("\\?", 2)[0];
                Script script = scripts.get(path);
                if (script == null) {
                    // The probe, and anything unscripted: a Prometheus-style success.
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + UP.length()
                            + "\r\n\r\n" + UP).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                received.add(request);
                boolean keep = script.answer(request, out);
                out.flush();
                if (!keep) {
                    return;
                }
            }
        } catch (IOException e) {
            // The peer went away, or the backend closes.
            closedByPeer.add(number);
        } catch (InterruptedException e) {
            // the backend closes
        }
    }

    /** One request, or null at the end of the stream. */
    private static Received read(InputStream in, int connection, int peerPort) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while (last4 != 0x0d0a0d0a && (b = in.read()) >= 0) {
            head.write(b);
            last4 = last4 << 8 | b;
        }
        if (last4 != 0x0d0a0d0a) {
            return null;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, c) -> a + ", " + c);
            }
        }
        String length = headers.get("content-length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        return new Received(connection, peerPort, requestLine[0], requestLine[1], headers, body);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
