package io.mpp.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void normalisesSchemeHostAndTrailingSlashButKeepsThePath() {
        assertThat(Endpoint.parse("  HTTP://Prom-1.example:9090/ ", "t").url()).isEqualTo("http://prom-1.example:9090");
        assertThat(Endpoint.parse("https://h/prom/", "t").url()).isEqualTo("https://h/prom");
        assertThat(Endpoint.parse("http://h:9090/a/b", "t").url()).isEqualTo("http://h:9090/a/b");
        assertThat(Endpoint.parse("http://[::1]:9090", "t").url()).isEqualTo("http://[::1]:9090");
    }

    @Test
    void dropsTheSchemesDefaultPortSoOneBackendIsNotListedTwice() {
        assertThat(Endpoint.parse("http://d:80", "t").url()).isEqualTo("http://d");
        assertThat(Endpoint.parse("http://d:80/prom/", "t").url()).isEqualTo("http://d/prom");
        assertThat(Endpoint.parse("HTTPS://d:443", "t").url()).isEqualTo("https://d");
        assertThat(Endpoint.parse("http://[::1]:80", "t").url()).isEqualTo("http://[::1]");
        assertThat(Endpoint.of("http", "10.0.0.7", 80, "m").url()).isEqualTo("http://10.0.0.7");
        assertThat(Endpoint.parse("http://d:443", "t").url()).as("not the default of http").isEqualTo("http://d:443");
        assertThat(Endpoint.parse("https://d:80", "t").url()).isEqualTo("https://d:80");
        FileLocator.Parsed parsed = FileLocator.parse("eps", List.of("http://d", "http://d:80/"), "f");
        assertThat(parsed.endpoints()).extracting(Endpoint::url).containsExactly("http://d");
    }

    @Test
    void anIpv6AddressHasOneFormHoweverItIsWritten() {
        for (String written : List.of("[::1]:9090", "[0:0:0:0:0:0:0:1]:9090", "[0::1]:9090/", "[::0001]:9090")) {
            assertThat(Endpoint.parse("http://" + written, "t").url()).as(written).isEqualTo("http://[::1]:9090");
        }
        assertThat(Endpoint.parse("http://[2001:DB8:0:0:1:0:0:1]:9090", "t").url()).as("the first of two runs")
                .isEqualTo("http://[2001:db8::1:0:0:1]:9090");
        assertThat(Endpoint.parse("http://[2001:db8:0:1:1:1:1:1]", "t").url()).as("one zero group stays")
                .isEqualTo("http://[2001:db8:0:1:1:1:1:1]");
        assertThat(Endpoint.parse("http://[fe80:0:0:0:0:0:0:0]:9090", "t").url()).isEqualTo("http://[fe80::]:9090");
        assertThat(Endpoint.parse("http://[::]:9090", "t").url()).isEqualTo("http://[::]:9090");
        assertThat(Endpoint.parse("http://[::ffff:127.0.0.1]:9090", "t").url()).as("IPv4-mapped")
                .isEqualTo("http://127.0.0.1:9090");
        assertThat(Endpoint.of("http", "0:0:0:0:0:0:0:1", 9090, "k").url()).as("as discovery finds it")
                .isEqualTo("http://[::1]:9090");
    }

    @Test
    void oneUrlIsOneBackendWhicheverLocatorFoundIt() {
        Endpoint fromFile = Endpoint.parse("http://h:9090", "file:/etc/mpp/endpoints");
        Endpoint fromKubernetes = Endpoint.of("http", "h", 9090, "kubernetes:service/monitoring/prometheus");
        assertThat(fromFile).isEqualTo(fromKubernetes).hasSameHashCodeAs(fromKubernetes);
        assertThat(fromFile).isNotEqualTo(Endpoint.parse("http://h:9091", "file:/etc/mpp/endpoints"));
    }

    @Test
    void buildsFromHostAndPortIncludingIpv6() {
        assertThat(Endpoint.of("http", "10.0.0.7", 31000, "m").url()).isEqualTo("http://10.0.0.7:31000");
        assertThat(Endpoint.of("http", "fd00::7", 9090, "k").url()).isEqualTo("http://[fd00::7]:9090");
    }

    @Test
    void errorsQuoteNeitherAQueryNorWhatFollowsASpace() {
        assertThatThrownBy(() -> Endpoint.parse("http://127.0.0.1:19392/?access_token=TOPSECRET", "t"))
                .hasMessage("'http://127.0.0.1:19392/?...' has a query or fragment; give the base URL only");
        assertThatThrownBy(() -> Endpoint.parse("http://h:9090/#TOPSECRET", "t"))
                .hasMessageContaining("'http://h:9090/#...'").hasMessageNotContaining("TOPSECRET");
        assertThatThrownBy(() -> Endpoint.parse("http://127.0.0.1:19392 token=XYZ", "t"))
                .hasMessageStartingWith("'http://127.0.0.1:19392 ...' is not a URL").hasMessageNotContaining("XYZ");
        assertThatThrownBy(() -> Endpoint.parse("http://h:9090\u001b[2Jx", "t"))
                .hasMessageStartingWith("'http://h:9090 ...' is not a URL");
    }

    @Test
    void aDiscoveredHostThatWouldChangeTheUrlsShapeIsRefused() {
        // Else "10.0.0.9/x" on port 31001 became http://10.0.0.9/x:31001: port 80 and a path.
        for (String host : List.of("10.0.0.9/x", "h?q", "h#f", "user@h", "a b", "h\\x", "h\n")) {
            assertThatThrownBy(() -> Endpoint.of("http", host, 31001, "m"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a host name or an IP address");
        }
    }

    @Test
    void rejectsWhatIsNotAnHttpBaseUrl() {
        assertThatThrownBy(() -> Endpoint.parse("localhost:9090", "t")).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> Endpoint.parse("ftp://h:21", "t")).hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> Endpoint.parse("http://", "t")).hasMessageContaining("http://");
        assertThatThrownBy(() -> Endpoint.parse("http://user:pw@h:9090", "t")).hasMessageContaining("credentials");
        assertThatThrownBy(() -> Endpoint.parse("http://h:9090/?x=1", "t")).hasMessageContaining("query");
        assertThatThrownBy(() -> Endpoint.parse("http://h 1:9090", "t")).hasMessageContaining("not a URL");
    }

    @Test
    void credentialsAreRefusedAndNeverQuotedHoweverTheyAreWritten() {
        for (String url : List.of("http://admin:s3cret@h:9090", "http://admin:s3/cret@h:9090",
                "http://admin:s3@cret@h:9090", "http://admin@h:9090/prom")) {
            assertThatThrownBy(() -> Endpoint.parse(url, "t"))
                    .hasMessageContaining("carries credentials")
                    .hasMessageStartingWith("'http://***@h:9090")
                    .hasMessageNotContaining("admin").hasMessageNotContaining("cret");
        }
        for (String url : List.of("http://admin:s3cr#t@h:9090", "http://admin:s3cr?t@h:9090",
                "http:admin:s3cret@h:9090", "http:/admin:s3cret@h:9090", "admin:s3cret@h:9090")) {
            assertThatThrownBy(() -> Endpoint.parse(url, "t")).as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("***@h:9090")
                    .hasMessageNotContaining("s3cr");
        }
        assertThat(Endpoint.parse("http://h:9090/user@prom", "t").url()).as("an @ in the path is no credential")
                .isEqualTo("http://h:9090/user@prom");
    }

    @Test
    void aPortOutsideItsRangeOrAHostThatIsNoHostNameIsNamed() {
        assertThatThrownBy(() -> Endpoint.parse("http://h:99999", "t")).hasMessage("'http://h:99999' has port 99999;"
                + " a port is 1-65535");
        assertThatThrownBy(() -> Endpoint.parse("http://h:0/", "t")).hasMessageContaining("has port 0;");
        assertThatThrownBy(() -> Endpoint.parse("http://prom_1:9090", "t"))
                .hasMessageStartingWith("'http://prom_1:9090' has no valid host (a host name holds letters, digits");
    }
}
