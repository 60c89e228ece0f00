package io.mpp.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.mpp.testing.MppServer;
import io.mpp.testing.RecordingBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With Dropwizard's plain {@code type: http} connector the proxy's backend connections get a selector of their own. */
class PlainHttpConnectorTest {

    @TempDir
    Path dir;

    @Test
    void proxiesThroughAPlainHttpConnector() throws Exception {
        try (RecordingBackend backend = RecordingBackend.start("/prom")) {
            Path endpoints = Files.writeString(dir.resolve("endpoints"), backend.url() + "/\n");
            try (MppServer mpp = MppServer.start(
                    ConfigOverride.config("locators[0].path", endpoints.toString()),
                    ConfigOverride.config("server.applicationConnectors[0].type", "http"))) {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create(mpp.url() + "/api/v1/labels?n=" + i))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.headers().firstValue("MPP.ServedBy")).hasValue(backend.url());
                }
                // Selection's probes reach the backend too; the proxied requests are the labels ones.
                assertThat(backend.received()).extracting(RecordingBackend.Received::pathAndQuery)
                        .filteredOn(path -> path.contains("/labels"))
                        .containsExactly("/prom/api/v1/labels?n=0", "/prom/api/v1/labels?n=1",
                                "/prom/api/v1/labels?n=2");
            }
        }
    }
}
