package io.mpp.proxy.affinity;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The client's address for source-IP affinity, as bytes (4 for IPv4, 16 for IPv6, so every spelling of one address
 * is the same key), from {@code X-Forwarded-For} when present, else from the connection.
 *
 * <p>Proxies append the address they were connected from, so the right-most entries were written by proxies mpp's
 * operator runs, and everything left of them by whoever sent the request first. With {@code trustedProxies} N the
 * client is the N-th entry from the right (N = 1: one proxy such as marathon-lb in front of mpp); when one of those
 * N entries is not an IP address ({@code unknown}, an obfuscated name), the connection's address is the client:
 * counting on past it would take an entry the client wrote. With {@link #LEFTMOST} the client is the left-most
 * entry that is an IP address. Empty entries do not count.
 */
public final class ClientAddress {

    /** Take the left-most entry: what the first proxy or the client itself wrote. */
    public static final int LEFTMOST = -1;

    private ClientAddress() {
    }

    /**
     * @param forwardedFor   the values of the request's X-Forwarded-For headers, in order; null or empty for none
     * @param trustedProxies how many proxies in front of mpp append to the header, or {@link #LEFTMOST}; 0 ignores
     *                       the header
     * @param remoteAddr     the address of the connection's peer
     */
    public static byte[] of(Enumeration<String> forwardedFor, int trustedProxies, String remoteAddr) {
        if (trustedProxies != 0 && forwardedFor != null && forwardedFor.hasMoreElements()) {
            String first = forwardedFor.nextElement();
            List<String> lines = null;
            if (forwardedFor.hasMoreElements()) {
                lines = new ArrayList<>();
                lines.add(first);
                while (forwardedFor.hasMoreElements()) {
                    lines.add(forwardedFor.nextElement());
                }
            }
            String chain = lines == null ? first : String.join(",", lines);
            byte[] client = trustedProxies == LEFTMOST ? leftmost(chain) : fromRight(chain, trustedProxies);
            if (client != null) {
                return client;
            }
        }
        byte[] remote = parse(remoteAddr);
        // A connection's address always parses; should a container hand over something else, it is still a key.
        return remote != null ? remote : String.valueOf(remoteAddr).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] leftmost(String chain) {
        int from = 0;
        while (from <= chain.length()) {
            int end = chain.indexOf(',', from);
            if (end < 0) {
                end = chain.length();
            }
            byte[] address = parse(chain.substring(from, end));
            if (address != null) {
                return address;
            }
            from = end + 1;
        }
        return null;
    }

    /**
     * The n-th non-empty entry from the right; the left-most when there are fewer. Null when one of those is not an
     * address: a trusted proxy wrote it, and what lies left of it is the client's to write.
     */
    private static byte[] fromRight(String chain, int n) {
        byte[] found = null;
        int seen = 0;
        int end = chain.length();
        while (end >= 0) {
            int start = chain.lastIndexOf(',', end - 1);
            String entry = chain.substring(start + 1, end);
            if (!entry.isBlank()) {
                found = parse(entry);
                if (found == null || ++seen == n) {
                    return found;
                }
            }
            if (start < 0) {
                break;
            }
            end = start;
        }
        return found;
    }

    /**
     * One entry as address bytes, or null when it is not an IP address. Accepts what proxies write: {@code 1.2.3.4},
     * {@code 1.2.3.4:5678}, {@code 2001:db8::1}, {@code [2001:db8::1]}, {@code [2001:db8::1]:443}, optionally quoted.
     * Host names, {@code unknown} and obfuscated identifiers are not addresses. IPv4-mapped IPv6 addresses become
     * their IPv4 address.
     */
    static byte[] parse(String entry) {
        if (entry == null) {
            return null;
        }
        String s = entry.strip();
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.isEmpty() || s.length() > 64) {
            return null;
        }
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0 || !portOrNothing(s, close + 1)) {
                return null;
            }
            s = s.substring(1, close);
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && colon == s.lastIndexOf(':')) {
                // One colon: an IPv4 address with a port.
                if (!portOrNothing(s, colon)) {
                    return null;
                }
                s = s.substring(0, colon);
            }
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone); // a link-local zone names an interface of the sender, not the client
        }
        if (!InetAddresses.isInetAddress(s)) {
            return null;
        }
        return InetAddresses.forString(s).getAddress();
    }

    private static boolean portOrNothing(String s, int at) {
        if (at == s.length()) {
            return true;
        }
        if (s.charAt(at) != ':' || at + 1 == s.length() || s.length() - at - 1 > 5) {
            return false;
        }
        int port = 0;
        for (int i = at + 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
            port = port * 10 + s.charAt(i) - '0';
        }
        return port <= 65535;
    }

    /** An address's canonical text (RFC 5952 for IPv6), for tests and debug logs. */
    static String text(byte[] address) {
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            return new String(address, StandardCharsets.UTF_8); // not an address: a remote address kept as text
        }
    }
}
