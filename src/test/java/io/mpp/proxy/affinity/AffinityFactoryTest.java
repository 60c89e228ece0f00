package io.mpp.proxy.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dropwizard.configuration.ConfigurationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mpp.MppConfiguration;
import io.mpp.testing.ConfigFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The affinity block of the repository's config.yml: defaults, variables, and wrong values named. */
class AffinityFactoryTest {

    @Test
    void defaultsAreCookiesWithARandomKeyAndTheLeftmostForwardedAddress() throws Exception {
        AffinityFactory affinity = ConfigFiles.load(Map.of()).getAffinity();
        assertThat(affinity.options()).isEqualTo(new AffinityOptions(true, false));
        assertThat(affinity.hasKey()).isFalse();
        assertThat(affinity.trustedProxies()).isEqualTo(ClientAddress.LEFTMOST);
        assertThat(affinity.build(new SimpleMeterRegistry()).options().describe()).isEqualTo("cookies");
    }

    @Test
    void everySettingComesFromItsVariable() throws Exception {
        AffinityFactory affinity = ConfigFiles.load(Map.of(
                "MPP_AFFINITY_OPTIONS", " sourceip , Cookies ",
                "MPP_AFFINITY_KEY", "a-shared-key-of-at-least-32-characters",
                "MPP_AFFINITY_TRUSTED_PROXIES", "2")).getAffinity();
        assertThat(affinity.options()).isEqualTo(new AffinityOptions(true, true));
        assertThat(affinity.hasKey()).isTrue();
        assertThat(affinity.trustedProxies()).isEqualTo(2);
        assertThat(ConfigFiles.load(Map.of("MPP_AFFINITY_OPTIONS", "none")).getAffinity().options().any()).isFalse();
        assertThat(ConfigFiles.load(Map.of("MPP_AFFINITY_OPTIONS", "")).getAffinity().options().any()).isFalse();
        assertThat(ConfigFiles.load(Map.of("MPP_AFFINITY_TRUSTED_PROXIES", "0")).getAffinity().trustedProxies())
                .isZero();
    }

    @Test
    void anUnknownOptionNamesTheSettingAndTheAcceptedValues() {
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_AFFINITY_OPTIONS", "cookies, session")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("affinity.options")
                .hasMessageContaining("unknown affinity option 'session'")
                .hasMessageContaining("cookies, sourceip; or none");
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_AFFINITY_OPTIONS", "none,cookies")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'none' cannot be combined");
    }

    @Test
    void aShortKeyIsRefusedWithoutShowingIt() throws Exception {
        String key = "secret-but-short";
        assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_AFFINITY_KEY", key)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("affinity.key")
                .hasMessageContaining("MPP_AFFINITY_KEY is too short")
                .hasMessageContaining("at least 32 bytes (32 ASCII characters)")
                .message().doesNotContain(key);
        // 16 characters of two UTF-8 bytes each: the rule counts bytes, as the message says.
        assertThat(ConfigFiles.load(Map.of("MPP_AFFINITY_KEY", "\u00e9".repeat(16)))).isNotNull();
    }

    @Test
    void aWrongProxyCountIsNamed() {
        for (String wrong : new String[] {"two", "-1", "65"}) {
            assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_AFFINITY_TRUSTED_PROXIES", wrong)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("affinity.trustedProxies")
                    .hasMessageContaining("'" + wrong + "' is not a number of proxies");
        }
    }

    @Test
    void theCookieNameComesFromItsVariableAndAWrongOneIsNamed() throws Exception {
        assertThat(ConfigFiles.load(Map.of()).getAffinity().getCookieName()).isEqualTo("MPP.Route");
        assertThat(ConfigFiles.load(Map.of("MPP_AFFINITY_COOKIE_NAME", "")).getAffinity().getCookieName())
                .isEqualTo("MPP.Route");
        AffinityFactory named = ConfigFiles.load(Map.of("MPP_AFFINITY_COOKIE_NAME", "MPP.Route.outer")).getAffinity();
        assertThat(named.getCookieName()).isEqualTo("MPP.Route.outer");
        assertThat(named.build(new SimpleMeterRegistry()).cookieName()).isEqualTo("MPP.Route.outer");
        for (String wrong : new String[] {"a b", "route;x", "r=1", "\u00e9t\u00e9", "x".repeat(65), "a\"b"}) {
            assertThatThrownBy(() -> ConfigFiles.load(Map.of("MPP_AFFINITY_COOKIE_NAME", wrong)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("affinity.cookieName")
                    .hasMessageContaining("is not a cookie name");
        }
    }

    @Test
    void theKeyNeverShowsWhenTheConfigurationIsWritten() throws Exception {
        String key = "a-shared-key-of-at-least-32-characters";
        MppConfiguration config = ConfigFiles.load(Map.of("MPP_AFFINITY_KEY", key));
        String json = io.dropwizard.jackson.Jackson.newObjectMapper().writeValueAsString(config.getAffinity());
        assertThat(json).contains("\"options\":\"cookies\"").doesNotContain(key);
    }

    @Test
    void withoutAKeyOneLineAtStartSaysCopiesNeedASharedKey() throws Exception {
        String key = "a-shared-key-of-at-least-32-characters";
        List<String> withoutKey = startupLines(ConfigFiles.load(Map.of()).getAffinity());
        assertThat(withoutKey).singleElement().asString()
                .contains("MPP_AFFINITY_KEY is not set", "random key", "same MPP_AFFINITY_KEY");
        assertThat(startupLines(ConfigFiles.load(Map.of("MPP_AFFINITY_KEY", key)).getAffinity())).isEmpty();
        assertThat(startupLines(ConfigFiles.load(Map.of("MPP_AFFINITY_OPTIONS", "sourceip")).getAffinity()))
                .as("no cookies, no key needed").isEmpty();
    }

    private static List<String> startupLines(AffinityFactory factory) {
        Logger logger = (Logger) LoggerFactory.getLogger(AffinityFactory.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            factory.build(new SimpleMeterRegistry());
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
