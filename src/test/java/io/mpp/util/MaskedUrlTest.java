package io.mpp.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskedUrlTest {

    @Test
    void masksEverythingBeforeTheLastAtSignWhereverAPasswordPutsIt() {
        assertThat(MaskedUrl.of("http://admin:s3cret@prom:9090")).isEqualTo("http://***@prom:9090");
        assertThat(MaskedUrl.of("http://admin:s3/cr@t@prom:9090/p")).isEqualTo("http://***@prom:9090/p");
        // A '#' or '?' in the password ends the authority for a URL parser: not for the mask.
        assertThat(MaskedUrl.of("http://admin:s3cr#t@prom:9090")).isEqualTo("http://***@prom:9090");
        assertThat(MaskedUrl.of("http://admin:s3cr?t@prom:9090")).isEqualTo("http://***@prom:9090");
        assertThat(MaskedUrl.of("https://admin:a?b#c@d@prom")).isEqualTo("https://***@prom");
    }

    @Test
    void masksCredentialsWrittenWithoutTheTwoSlashes() {
        assertThat(MaskedUrl.of("http:admin:s3cret@prom:9090")).isEqualTo("http:***@prom:9090");
        assertThat(MaskedUrl.of("http:/admin:s3cret@prom:9090")).isEqualTo("http:/***@prom:9090");
        assertThat(MaskedUrl.of("admin:s3cret@prom:9090")).doesNotContain("s3cret").endsWith("***@prom:9090");
        assertThat(MaskedUrl.of("s3cret@prom:9090")).isEqualTo("***@prom:9090");
    }

    @Test
    void leavesTextWithoutAnAtSignAlone() {
        assertThat(MaskedUrl.of("http://prom:9090/a?b=c#d")).isEqualTo("http://prom:9090/a?b=c#d");
        assertThat(MaskedUrl.of("marathon.mesos:8080")).isEqualTo("marathon.mesos:8080");
        assertThat(MaskedUrl.of("")).isEmpty();
    }
}
