package io.mpp.proxy.affinity;

import static io.mpp.proxy.affinity.ClientAddress.LEFTMOST;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static String client(int trustedProxies, String remote, String... forwardedFor) {
        return ClientAddress.text(ClientAddress.of(Collections.enumeration(List.of(forwardedFor)), trustedProxies,
                remote));
    }

    @Test
    void withoutTheHeaderTheConnectionsAddressCounts() {
        assertThat(client(LEFTMOST, "192.0.2.10")).isEqualTo("192.0.2.10");
        assertThat(client(1, "192.0.2.10")).isEqualTo("192.0.2.10");
        assertThat(ClientAddress.text(ClientAddress.of(null, LEFTMOST, "[::1]"))).isEqualTo("::1");
        assertThat(ClientAddress.text(ClientAddress.of(null, LEFTMOST, "0:0:0:0:0:0:0:1"))).isEqualTo("::1");
    }

    @Test
    void byDefaultTheLeftmostEntryIsTheClient() {
        assertThat(client(LEFTMOST, "10.0.0.2", "203.0.113.7, 198.51.100.1, 10.0.0.1")).isEqualTo("203.0.113.7");
        assertThat(client(LEFTMOST, "10.0.0.2", "203.0.113.7", "198.51.100.1, 10.0.0.1")).isEqualTo("203.0.113.7");
    }

    @Test
    void withTrustedProxiesTheClientIsThatManyEntriesFromTheRight() {
        String chain = "6.6.6.6, 203.0.113.7, 198.51.100.1";
        // marathon-lb alone appends the client: the right-most entry, whatever the client wrote before it.
        assertThat(client(1, "10.0.0.2", chain)).isEqualTo("198.51.100.1");
        // A cloud load balancer, then marathon-lb: the second from the right.
        assertThat(client(2, "10.0.0.2", chain)).isEqualTo("203.0.113.7");
        assertThat(client(3, "10.0.0.2", chain)).isEqualTo("6.6.6.6");
        // Fewer entries than proxies: the farthest one seen.
        assertThat(client(5, "10.0.0.2", chain)).isEqualTo("6.6.6.6");
        // Over several header lines, the last line is the latest.
        assertThat(client(2, "10.0.0.2", "6.6.6.6, 203.0.113.7", "198.51.100.1")).isEqualTo("203.0.113.7");
        // 0: no proxy in front; whatever the client wrote is ignored.
        assertThat(client(0, "10.0.0.2", chain)).isEqualTo("10.0.0.2");
    }

    @Test
    void ipv6EntriesInEverySpellingAreOneAddress() {
        String canonical = "2001:db8::1";
        for (String spelling : List.of("2001:db8::1", "2001:DB8:0:0:0:0:0:1", "[2001:db8::1]", "[2001:db8::1]:443",
                "\"[2001:db8::1]:443\"", " 2001:0db8::0001 ")) {
            assertThat(client(LEFTMOST, "10.0.0.2", spelling)).as(spelling).isEqualTo(canonical);
        }
        assertThat(client(LEFTMOST, "10.0.0.2", "fe80::1%eth0")).isEqualTo("fe80::1");
        // An IPv4 client seen through an IPv6 socket is the same client as over IPv4.
        assertThat(client(LEFTMOST, "10.0.0.2", "::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.of(null, LEFTMOST, "::ffff:203.0.113.7"))
                .isEqualTo(ClientAddress.of(null, LEFTMOST, "203.0.113.7"));
        assertThat(client(LEFTMOST, "10.0.0.2", "203.0.113.7:51234")).isEqualTo("203.0.113.7");
    }

    @Test
    void garbageEntriesAreSkipped() {
        assertThat(client(LEFTMOST, "10.0.0.2", "unknown, _hidden, proxy.example.com, 203.0.113.7"))
                .isEqualTo("203.0.113.7");
        assertThat(client(LEFTMOST, "10.0.0.2", ",,  , 300.1.2.3, 1.2.3, 203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(client(LEFTMOST, "10.0.0.2", "[2001:db8::1]:http, 1.2.3.4:99999, 1.2.3.4:, [::1")).isEqualTo("10.0.0.2");
        assertThat(client(LEFTMOST, "10.0.0.2", "x".repeat(10_000))).isEqualTo("10.0.0.2");
        assertThat(client(2, "10.0.0.2", "")).isEqualTo("10.0.0.2");
    }

    @Test
    void anEntryATrustedProxyWroteThatIsNoAddressEndsTheSearchAtTheConnectionsAddress() {
        // What lies left of the trusted entries is the client's to write: counting on past one would let it choose.
        assertThat(client(1, "10.0.0.2", "6.6.6.6, unknown")).isEqualTo("10.0.0.2");
        assertThat(client(1, "10.0.0.2", "203.0.113.7, not-an-ip")).isEqualTo("10.0.0.2");
        assertThat(client(2, "10.0.0.2", "6.6.6.6, _hidden, 198.51.100.1")).isEqualTo("10.0.0.2");
        assertThat(client(2, "10.0.0.2", "6.6.6.6, 203.0.113.7, 1.2.3.4:99999")).isEqualTo("10.0.0.2");
        assertThat(client(3, "10.0.0.2", "unknown, 198.51.100.1")).as("fewer entries than proxies")
                .isEqualTo("10.0.0.2");
        // An address with a zone is an address.
        assertThat(client(1, "10.0.0.2", "6.6.6.6, fe80::1%eth0")).isEqualTo("fe80::1");
        // Empty entries are no entries (an empty header line, a trailing comma the client wrote).
        assertThat(client(2, "10.0.0.2", "6.6.6.6, 203.0.113.7,, 198.51.100.1, ")).isEqualTo("203.0.113.7");
        assertThat(client(1, "10.0.0.2", "6.6.6.6, unknown", "", "198.51.100.1")).isEqualTo("198.51.100.1");
        // Left of the trusted entries, anything goes.
        assertThat(client(2, "10.0.0.2", "unknown, 203.0.113.7, 198.51.100.1")).isEqualTo("203.0.113.7");
    }

    @Test
    void addressesAreFourOrSixteenBytes() {
        assertThat(ClientAddress.parse("203.0.113.7")).hasSize(4);
        assertThat(ClientAddress.parse("2001:db8::1")).hasSize(16);
        assertThat(ClientAddress.parse("localhost")).as("never resolved").isNull();
    }
}
