package io.mpp.proxy.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpp.discovery.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RendezvousTest {

    private static final Endpoint A = Endpoint.parse("http://10.0.0.1:9090", "file");
    private static final Endpoint B = Endpoint.parse("http://10.0.0.2:9090", "file");
    private static final Endpoint C = Endpoint.parse("http://10.0.0.3:9090", "file");
    private static final Endpoint D = Endpoint.parse("http://10.0.0.4:9090", "file");
    private static final int CLIENTS = 30_000;

    /** Many client addresses, IPv4 and IPv6, as a seeded generator gives them (the same in every run). */
    private static List<byte[]> clients() {
        Random random = new Random(42);
        List<byte[]> clients = new ArrayList<>(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            byte[] address = new byte[i % 5 == 0 ? 16 : 4];
            random.nextBytes(address);
            clients.add(address);
        }
        return clients;
    }

    private static Map<byte[], Endpoint> assign(List<byte[]> clients, List<Endpoint> backends) {
        Map<byte[], Endpoint> assigned = new HashMap<>();
        for (byte[] client : clients) {
            assigned.put(client, Rendezvous.choose(client, backends, List.of()));
        }
        return assigned;
    }

    @Test
    void manyClientsSpreadEvenlyOverThreeBackends() {
        Map<Endpoint, Integer> counts = new HashMap<>();
        assign(clients(), List.of(A, B, C)).values().forEach(e -> counts.merge(e, 1, Integer::sum));
        assertThat(counts).containsOnlyKeys(A, B, C);
        // A third each, within 5% of it: a biased hash would be far off at this count (sd ~ 0.5%).
        counts.values().forEach(n -> assertThat(n).isBetween(CLIENTS / 3 * 95 / 100, CLIENTS / 3 * 105 / 100));
    }

    @Test
    void theChoiceDependsOnlyOnTheClientAndTheBackendsNotTheirOrder() {
        List<Endpoint> shuffled = new ArrayList<>(List.of(A, B, C));
        Collections.shuffle(shuffled, new Random(7));
        List<byte[]> clients = clients();
        Map<byte[], Endpoint> first = assign(clients, List.of(A, B, C));
        // Endpoints equal by URL, as another mpp copy would build them, in another order.
        List<Endpoint> copies = shuffled.stream().map(e -> Endpoint.parse(e.url(), "marathon")).toList();
        for (byte[] client : clients) {
            assertThat(Rendezvous.choose(client, copies, List.of()).url()).isEqualTo(first.get(client).url());
        }
        // A pinned figure: copies of different releases side by side, or an upgrade, must not move clients.
        assertThat(Rendezvous.weight(new byte[] {(byte) 203, 0, 113, 7}, "http://10.0.0.1:9090"))
                .isEqualTo(-1771183498708294969L);
    }

    @Test
    void whenABackendLeavesOnlyItsClientsMove() {
        List<byte[]> clients = clients();
        Map<byte[], Endpoint> before = assign(clients, List.of(A, B, C));
        Map<byte[], Endpoint> after = assign(clients, List.of(A, C));
        int moved = 0;
        for (byte[] client : clients) {
            if (before.get(client) != B) {
                assertThat(after.get(client)).isSameAs(before.get(client));
            } else {
                moved++;
            }
        }
        assertThat(moved).isBetween(CLIENTS / 3 * 95 / 100, CLIENTS / 3 * 105 / 100);
    }

    @Test
    void aJoiningBackendTakesItsShareAndNothingElseMoves() {
        List<byte[]> clients = clients();
        Map<byte[], Endpoint> before = assign(clients, List.of(A, B, C));
        Map<byte[], Endpoint> after = assign(clients, List.of(A, B, C, D));
        int toD = 0;
        for (byte[] client : clients) {
            if (after.get(client) == D) {
                toD++;
            } else {
                assertThat(after.get(client)).isSameAs(before.get(client));
            }
        }
        assertThat(toD).isBetween(CLIENTS / 4 * 95 / 100, CLIENTS / 4 * 105 / 100);
    }

    @Test
    void excludedBackendsAreSkipped() {
        byte[] client = {(byte) 203, 0, 113, 7};
        Endpoint first = Rendezvous.choose(client, List.of(A, B, C), List.of());
        Endpoint second = Rendezvous.choose(client, List.of(A, B, C), List.of(first));
        assertThat(second).isNotEqualTo(first);
        List<Endpoint> without = new ArrayList<>(List.of(A, B, C));
        without.remove(first);
        assertThat(Rendezvous.choose(client, without, List.of())).isEqualTo(second);
        assertThat(Rendezvous.choose(client, List.of(A, B, C), List.of(A, B, C))).isNull();
    }
}
