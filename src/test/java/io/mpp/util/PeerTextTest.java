package io.mpp.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {

    @Test
    void aPeerCannotBreakTheLineItIsQuotedIn() {
        assertThat(PeerText.oneLine("bad query\nINFO  [fake] forged log line", 100))
                .isEqualTo("bad query INFO [fake] forged log line");
        assertThat(PeerText.oneLine("a\r\n\u0000b\u001b[31mc\u2028d\u0085e\u007f", 100)).isEqualTo("a b [31mc d e");
        assertThat(PeerText.oneLine("  padded  ", 100)).isEqualTo("padded");
        assertThat(PeerText.oneLine("", 100)).isEmpty();
    }

    @Test
    void longTextIsClipped() {
        assertThat(PeerText.oneLine("x".repeat(10), 10)).isEqualTo("x".repeat(10));
        assertThat(PeerText.oneLine("x".repeat(11), 10)).isEqualTo("x".repeat(10) + "...");
        assertThat(PeerText.oneLine("x".repeat(5) + "\n".repeat(100) + "y", 10)).isEqualTo("xxxxx y");
    }
}
