package io.mpp.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UriSafeTargetTest {

    @Test
    void aTargetUriTakesIsLeftAsItIs() {
        String target = "/api/v1/query_range?query=rate(x%5B5m%5D)&match[]=up&start=1";
        assertThat(UriSafeTarget.of(target)).isSameAs(target);
    }

    @Test
    void whatUriRefusesIsPercentEncodedAsUtf8() {
        assertThat(UriSafeTarget.of("/p[1]/q?x=[5m]&l=é&e=😀&b={a=\"1\"}|^`\\<>"))
                .isEqualTo("/p%5B1%5D/q?x=[5m]&l=%C3%A9&e=%F0%9F%98%80&b=%7Ba=%221%22%7D%7C%5E%60%5C%3C%3E");
    }

    @Test
    void everyPrintableAsciiCharacterAndBeyondParses() {
        StringBuilder all = new StringBuilder("/");
        for (char c = 0x21; c < 0x7f; c++) {
            if (c != '%' && c != '#' && c != '?') {
                all.append(c);
            }
        }
        String path = all.toString();
        String target = path + "?" + path.substring(1) + "é日";
        URI uri = URI.create("http://h:9090" + UriSafeTarget.of(target));
        assertThat(uri.getPath()).isEqualTo(path);
        assertThat(uri.getQuery()).isEqualTo(path.substring(1) + "é日");
    }
}
