package io.mpp.proxy.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouteCookieTest {

    static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_KEY = "o".repeat(32).getBytes(StandardCharsets.UTF_8);
    private static final String URL = "http://10.0.3.7:31234/prom";

    private final RouteCookie codec = new RouteCookie(KEY);

    @Test
    void aValueNamesItsBackendForTheSameKey() {
        String value = codec.encode(URL);
        assertThat(value).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"); // cookie-safe without quoting
        assertThat(codec.decode(value)).isEqualTo(URL);
        assertThat(new RouteCookie(KEY.clone()).decode(value)).as("another process with the same key").isEqualTo(URL);
        assertThat(codec.decode(codec.encode("http://[2001:db8::1]:9090"))).isEqualTo("http://[2001:db8::1]:9090");
    }

    @Test
    void aValueSignedWithAnotherKeyIsIgnored() {
        assertThat(codec.decode(new RouteCookie(OTHER_KEY).encode(URL))).isNull();
    }

    @Test
    void aTamperedValueIsIgnored() {
        String value = codec.encode(URL);
        int dot = value.indexOf('.');
        String otherUrl = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("http://10.0.3.8:31234/prom".getBytes(StandardCharsets.UTF_8));
        assertThat(codec.decode(otherUrl + value.substring(dot))).as("another URL under the same MAC").isNull();
        char last = value.charAt(value.length() - 2);
        String flipped = value.substring(0, value.length() - 2) + (last == 'A' ? 'B' : 'A') + value.charAt(value.length() - 1);
        assertThat(codec.decode(flipped)).as("one MAC character changed").isNull();
        assertThat(codec.decode(value.substring(0, value.length() - 1))).as("MAC cut short").isNull();
        assertThat(codec.decode(value.substring(0, dot + 1))).as("no MAC").isNull();
    }

    @Test
    void anUnsignedPlainUrlAsTheOriginalSetsItIsIgnored() {
        assertThat(codec.decode(URL)).isNull();
        assertThat(codec.decode("http://127.0.0.1:9090")).isNull();
    }

    @Test
    void malformedValuesAreIgnored() {
        for (String value : List.of("", ".", "abc", "a.b.c", ".abc", "!!!.???", "a b.c d", "x".repeat(5000) + ".y",
                Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}) + "." + "AAAA")) {
            assertThat(codec.decode(value)).as("'%s'", value.length() > 40 ? value.substring(0, 40) : value).isNull();
        }
        assertThat(codec.decode(null)).isNull();
    }

    @Test
    void theRouteIsFoundAmongOtherCookiesAndHeaderLines() {
        String value = codec.encode(URL);
        assertThat(codec.routeIn(headers("grafana_session=abc; MPP.Route=" + value + "; theme=dark"))).isEqualTo(URL);
        assertThat(codec.routeIn(headers("a=1", "MPP.Route=" + value))).isEqualTo(URL);
        assertThat(codec.routeIn(headers("MPP.Route=\"" + value + "\""))).as("quoted").isEqualTo(URL);
        // A forged cookie first, the genuine one after it (e.g. set for another path): the genuine one counts.
        assertThat(codec.routeIn(headers("MPP.Route=forged; MPP.Route=" + value))).isEqualTo(URL);
        assertThat(codec.routeIn(headers("XMPP.Route=" + value, "MPP.Routes=" + value, "MPP.Route"))).isNull();
        assertThat(codec.routeIn(headers())).isNull();
        assertThat(codec.routeIn(null)).isNull();
        String other = codec.encode("http://b:9090");
        assertThat(codec.routeIn(headers("MPP.Route=" + value + "; MPP.Route=" + other), "http://b:9090"::equals))
                .as("the wanted one").isEqualTo("http://b:9090");
        assertThat(codec.routeIn(headers("MPP.Route=" + value + "; MPP.Route=" + other), "http://c:9090"::equals))
                .as("none wanted").isNull();
    }

    @Test
    void aForgedRouteCookieCostsAMacOnlyWhenItNamesAWantedUrl() {
        AtomicInteger macs = new AtomicInteger();
        RouteCookie counted = new RouteCookie(RouteCookie.DEFAULT_NAME, KEY, macs::incrementAndGet);
        // The review's header: about 8 KB of pairs whose URL part decodes to three zero bytes.
        String bogus = String.join("; ", Collections.nCopies(350, "MPP.Route=AAAA.BBBB"));
        assertThat(counted.routeIn(headers(bogus), URL::equals)).isNull();
        assertThat(macs).as("no pair names the wanted URL").hasValue(0);

        String forgedForUrl = codec.encode("http://b:9090").split("\\.")[0] + "."
                + codec.encode(URL).split("\\.")[1];
        macs.set(0);
        assertThat(counted.routeIn(headers("MPP.Route=" + forgedForUrl), "http://b:9090"::equals)).isNull();
        assertThat(macs).as("a wanted URL is checked").hasValue(1);
    }

    @Test
    void onlyTheFirstFourRouteCookiesAreLookedAt() {
        AtomicInteger macs = new AtomicInteger();
        RouteCookie counted = new RouteCookie(RouteCookie.DEFAULT_NAME, KEY, macs::incrementAndGet);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(URL.getBytes(StandardCharsets.UTF_8))
                + ".AAAA";
        String genuine = "MPP.Route=" + codec.encode(URL);
        String fourForged = String.join("; ", Collections.nCopies(4, "MPP.Route=" + forged));
        assertThat(counted.routeIn(headers(fourForged + "; " + genuine))).as("the fifth").isNull();
        assertThat(counted.routeIn(headers(fourForged, genuine))).as("the fifth, on another line").isNull();
        assertThat(macs).hasValue(8);
        String threeForged = String.join("; ", Collections.nCopies(3, "MPP.Route=" + forged));
        assertThat(counted.routeIn(headers("a=1; b=2; " + threeForged + "; c=3; " + genuine)))
                .as("the fourth route cookie, other cookies between them").isEqualTo(URL);
    }

    @Test
    void theSetCookieHeaderKeepsTheCookieToThisSiteAndOutOfScripts() {
        String plain = codec.setCookieHeader(URL, false);
        assertThat(plain).startsWith("MPP.Route=" + codec.encode(URL) + ";")
                .contains("; Path=/", "; HttpOnly", "; SameSite=Lax").doesNotContain("Secure");
        assertThat(codec.setCookieHeader(URL, true)).endsWith("; Secure");
    }

    @Test
    void aShortKeyIsRefused() {
        assertThatThrownBy(() -> new RouteCookie(new byte[31])).hasMessageContaining("at least 32 bytes");
    }

    private static java.util.Enumeration<String> headers(String... lines) {
        return Collections.enumeration(List.of(lines));
    }

    @Test
    void aSetCookieOfThisNameIsRecognised() {
        assertThat(codec.isSetBy("MPP.Route=abc; Path=/")).isTrue();
        assertThat(codec.isSetBy(" MPP.Route =abc")).isTrue();
        assertThat(codec.isSetBy("MPP.Route=")).isTrue();
        assertThat(codec.isSetBy("MPP.Routes=abc")).isFalse();
        assertThat(codec.isSetBy("XMPP.Route=abc")).isFalse();
        assertThat(codec.isSetBy("MPP.Route")).isFalse();
        assertThat(codec.isSetBy("grafana_session=abc; MPP.Route=x")).isFalse();
        assertThat(new RouteCookie("other", KEY).isSetBy("MPP.Route=abc")).isFalse();
    }
}
