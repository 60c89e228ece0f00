package io.mpp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** MPP_BIND_HOST's check, with resolvers standing in for DNS. */
class BindHostTest {

    private static final Duration LIMIT = Duration.ofSeconds(5);

    private static final BindHost.Resolver NEVER_ASKED = name -> {
        throw new AssertionError("resolved " + name);
    };

    @Test
    void addressesAndEmptyAreTakenStrippedWithoutALookup() {
        for (String text : List.of("127.0.0.1 ", " ::1", "[::1]", "0.0.0.0", "\t10.1.2.3\n", "", "  ")) {
            assertThat(BindHost.check(text, NEVER_ASKED, LIMIT)).as("'%s'", text).isEqualTo(text.strip());
        }
    }

    @Test
    void whatIsNeitherAnAddressNorAHostNameIsRefusedNamingTheSetting() {
        for (String text : List.of("999.1.1.1", "1.2.3", "127.0.0.1:9090", "a b", "host_name", "-host", "::1::2")) {
            assertThatThrownBy(() -> BindHost.check(text, NEVER_ASKED, LIMIT)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("'" + text + "' is neither an IP address nor a host name")
                    .hasMessageContaining("MPP_BIND_HOST");
        }
    }

    @Test
    void aHostNameMustResolve() {
        List<String> asked = new ArrayList<>();
        assertThat(BindHost.check(" mpp.example.internal ", asked::add, LIMIT)).isEqualTo("mpp.example.internal");
        assertThat(asked).containsExactly("mpp.example.internal");

        BindHost.Resolver unknown = name -> {
            throw new UnknownHostException(name);
        };
        assertThatThrownBy(() -> BindHost.check("nowhere.example", unknown, LIMIT))
                .hasMessageStartingWith("'nowhere.example' does not resolve to an address; MPP_BIND_HOST takes");
    }

    @Test
    void aLookupThatHangsEndsAtTheLimit() {
        CountDownLatch never = new CountDownLatch(1);
        BindHost.Resolver hangs = name -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        assertThatThrownBy(() -> BindHost.check("slow.example", hangs, Duration.ofMillis(50)))
                .hasMessageStartingWith("'slow.example' did not resolve within 50ms; MPP_BIND_HOST takes");
    }
}
