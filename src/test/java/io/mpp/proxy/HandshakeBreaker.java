package io.mpp.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP forwarder on loopback in front of a TLS server that can be told to break every new connection's handshake:
 * it then reads the client's first bytes (its hello) and closes, so nothing of a request ever reaches the server.
 */
final class HandshakeBreaker implements AutoCloseable {

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final int target;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean breaking;

    HandshakeBreaker(int target) throws IOException {
        this.target = target;
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** From now on, new connections are closed after the client's first bytes. */
    void breakHandshakes() {
        breaking = true;
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(in);
            if (breaking) {
                threads.execute(() -> {
                    try (in) {
                        in.getInputStream().read(new byte[4096]);
                    } catch (IOException gone) {
                        // the client gave up first
                    }
                });
                continue;
            }
            try {
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(out);
                threads.execute(() -> pump(in, out));
                threads.execute(() -> pump(out, in));
            } catch (IOException e) {
                closeQuietly(in);
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException cut) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(HandshakeBreaker::closeQuietly);
        threads.shutdownNow();
    }
}
