package io.mpp.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

class RequestHeadTest {

    private static String encode(HttpFields headers, long length) {
        return StandardCharsets.ISO_8859_1.decode(RequestHead.encode("POST", "/prom/api/v1/query", headers, length))
                .toString();
    }

    @Test
    void theBodysLengthReplacesTheClientsOne() {
        HttpFields headers = HttpFields.build().add(HttpHeader.HOST, "h:9090").add(HttpHeader.CONTENT_LENGTH, "99")
                .add("X-Custom", "a b");
        assertThat(encode(headers, 12)).isEqualTo("POST /prom/api/v1/query HTTP/1.1\r\nHost: h:9090\r\n"
                + "X-Custom: a b\r\nContent-Length: 12\r\n\r\n");
    }

    @Test
    void withoutABodyThereIsNoLength() {
        assertThat(encode(HttpFields.build().add(HttpHeader.HOST, "h"), -1))
                .isEqualTo("POST /prom/api/v1/query HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void aCharacterOutsideLatin1CannotBecomeALineBreak() {
        // U+010A would be a line feed if only its low byte were kept.
        HttpFields headers = HttpFields.build().add(HttpHeader.HOST, "h").add("X-Name", "a\u010Ab\u00e9");
        assertThat(encode(headers, -1)).isEqualTo("POST /prom/api/v1/query HTTP/1.1\r\nHost: h\r\n"
                + "X-Name: a?b\u00e9\r\n\r\n");
    }

    @Test
    void targetsWithWellFormedEscapesAndRawBracesPass() {
        RequestHead.checkTarget("/api/v1/query?query=up%7Bjob%3D%22a%22%7D&match[]={x}");
        RequestHead.checkTarget("/api/v1/label/__name__/values");
    }

    @Test
    void malformedEscapesAndControlsAreNamed() {
        assertThatThrownBy(() -> RequestHead.checkTarget("/q?query=%zz")).hasMessage(
                "malformed percent-escape at index 9");
        assertThatThrownBy(() -> RequestHead.checkTarget("/q?query=%4")).hasMessageContaining("percent-escape");
        assertThatThrownBy(() -> RequestHead.checkTarget("/q?a=b\tc")).hasMessageContaining("control character");
        assertThatThrownBy(() -> RequestHead.checkTarget("*")).hasMessageContaining("not a path");
        assertThatThrownBy(() -> RequestHead.checkTarget(null)).hasMessageContaining("not a path");
    }
}
