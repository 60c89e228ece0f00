package io.mpp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How many bytes a loopback TCP connection's receiving process has not read yet, from the kernel's own table
 * (Linux's {@code /proc/net/tcp} and {@code tcp6}): the one observable sign that a process took what was sent to it
 * when it answers nothing back.
 */
public final class UnreadBytes {

    private UnreadBytes() {
    }

    /** The bytes waiting in the socket bound to {@code localPort} and connected to {@code remotePort}. */
    public static long in(int localPort, int remotePort) {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : lines(table)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue ...
                if (f.length > 4 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                    return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                }
            }
        }
        throw new IllegalStateException("no connection from port " + localPort + " to port " + remotePort);
    }

    private static List<String> lines(String table) {
        try {
            return Files.readAllLines(Path.of(table));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
