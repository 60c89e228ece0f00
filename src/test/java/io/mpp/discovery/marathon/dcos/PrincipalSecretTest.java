package io.mpp.discovery.marathon.dcos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mpp.testing.marathon.TestKeys;
import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrincipalSecretTest {

    private static final String LOGIN = "https://leader.mesos/acs/api/v1/auth/login";
    private static final String SOURCE = "MPP_MARATHON_PRINCIPAL_SECRET";
    static KeyPair keys;
    /** A piece of the key that no message may contain. */
    static String keyMaterial;

    @BeforeAll
    static void keys() {
        keys = TestKeys.rsa(2048);
        keyMaterial = Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()).substring(40, 80);
    }

    @Test
    void readsAPkcs1KeyAsDcosWritesIt() {
        String pem = TestKeys.pkcs1(keys);
        assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        PrincipalSecret secret = PrincipalSecret.parse(TestKeys.secret("mpp-sa", pem, LOGIN), SOURCE, "");
        assertThat(secret.uid()).isEqualTo("mpp-sa");
        assertThat(secret.privateKey().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        assertThat(secret.loginEndpoint()).hasToString(LOGIN);
        assertThat(secret.password()).isNull();
        assertThat(secret.toString()).doesNotContain(keyMaterial).contains("mpp-sa");
    }

    @Test
    void aByteOrderMarkBeforeTheJsonIsPassedOver() {
        String text = "\uFEFF" + TestKeys.secret("mpp-sa", TestKeys.pkcs1(keys), LOGIN) + "\r\n";
        assertThat(PrincipalSecret.parse(text, "MPP_MARATHON_PRINCIPAL_SECRET_FILE /run/s.json", "").uid())
                .isEqualTo("mpp-sa");
        assertThatThrownBy(() -> PrincipalSecret.parse("uid: mpp", "MPP_MARATHON_PRINCIPAL_SECRET_FILE /run/s.json",
                "")).hasMessage("MPP_MARATHON_PRINCIPAL_SECRET_FILE /run/s.json does not hold the principal secret's"
                + " JSON text (it should start with '{')");
    }

    @Test
    void readsAPkcs8Key() {
        String pem = TestKeys.pkcs8(keys);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        PrincipalSecret secret = PrincipalSecret.parse(TestKeys.secret("mpp-sa", pem, LOGIN), SOURCE, "");
        assertThat(secret.privateKey().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void readsAPasswordSecret() {
        PrincipalSecret secret = PrincipalSecret.parse(
                "{\"uid\":\"mpp\",\"password\":\"s3cr3t\",\"login_endpoint\":\"" + LOGIN + "\"}", SOURCE, "");
        assertThat(secret.password()).isEqualTo("s3cr3t");
        assertThat(secret.privateKey()).isNull();
        assertThat(secret.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void theAuthEndpointSettingOverridesTheSecretsAndMakesItOptional() {
        String pem = TestKeys.pkcs1(keys);
        assertThat(PrincipalSecret.parse(TestKeys.secret("a", pem, LOGIN), SOURCE, "http://127.0.0.1:1/login")
                .loginEndpoint()).hasToString("http://127.0.0.1:1/login");
        assertThat(PrincipalSecret.parse(TestKeys.secret("a", pem, null), SOURCE, " http://127.0.0.1:1/login ")
                .loginEndpoint()).hasToString("http://127.0.0.1:1/login");
        assertThatThrownBy(() -> PrincipalSecret.parse(TestKeys.secret("a", pem, null), SOURCE, ""))
                .hasMessageContaining("'login_endpoint' is missing").hasMessageContaining("MPP_MARATHON_AUTH_ENDPOINT");
        assertThatThrownBy(() -> PrincipalSecret.parse(TestKeys.secret("a", pem, LOGIN), SOURCE, "leader.mesos"))
                .hasMessageContaining("MPP_MARATHON_AUTH_ENDPOINT is not an http(s) URL");
    }

    @Test
    void aLoginEndpointWithCredentialsIsRefusedWithoutShowingThem() {
        String pem = TestKeys.pkcs1(keys);
        String withPassword = "http://admin:Sup3rS3cret@127.0.0.1:1/acs/api/v1/auth/login";
        assertThatThrownBy(() -> PrincipalSecret.parse(TestKeys.secret("a", pem, withPassword), SOURCE, ""))
                .hasMessageContaining(SOURCE + ": field 'login_endpoint' carries credentials:"
                        + " 'http://***@127.0.0.1:1/acs/api/v1/auth/login'")
                .hasMessageNotContaining("Sup3rS3cret");
        // One that URI cannot even parse (a '%' not followed by two hex digits) is masked too.
        assertThatThrownBy(() -> PrincipalSecret.parse(TestKeys.secret("a", pem, LOGIN), SOURCE,
                "http://admin:Sup3r%S3cret@127.0.0.1:1/login"))
                .hasMessageContaining("MPP_MARATHON_AUTH_ENDPOINT is not an http(s) URL:"
                        + " 'http://***@127.0.0.1:1/login'")
                .hasMessageNotContaining("S3cret");
    }

    @Test
    void errorsNameTheFieldAndNeverTheKey() {
        String pem = TestKeys.pkcs1(keys);
        ObjectMapper json = new ObjectMapper();
        String noUid = json.createObjectNode().put("private_key", pem).put("login_endpoint", LOGIN).toString();
        assertRejected(noUid, "field 'uid'");
        String neither = json.createObjectNode().put("uid", "a").put("login_endpoint", LOGIN).toString();
        assertRejected(neither, "neither field 'private_key' nor field 'password'");
        String badPem = TestKeys.secret("a", pem.replace("-----BEGIN RSA PRIVATE KEY-----", ""), LOGIN);
        assertRejected(badPem, "field 'private_key'");
        String notPem = TestKeys.secret("a", keyMaterial, LOGIN);
        assertRejected(notPem, "field 'private_key' holds no PEM block");
        String hs = json.createObjectNode().put("scheme", "HS256").put("uid", "a").put("private_key", pem)
                .put("login_endpoint", LOGIN).toString();
        assertRejected(hs, "field 'scheme' is 'HS256'");
        String numberUid = json.createObjectNode().put("uid", 5).put("private_key", pem).toString();
        assertRejected(numberUid, "field 'uid' must be a string");
        // Broken JSON: Jackson would quote the text around the error; only the position is given.
        String broken = TestKeys.secret("a", pem, LOGIN).replace("\"uid\"", "uid");
        assertRejected(broken, "is not valid JSON (error at line 1");
        String truncated = TestKeys.secret("a", pem, LOGIN).substring(0, 300);
        assertRejected(truncated, "is not valid JSON");
        // Past the reader's limits Jackson gives no position.
        assertThatThrownBy(() -> PrincipalSecret.parse("{\"uid\":\"a\",\"x\":" + "[".repeat(1100)
                + "]".repeat(1100) + "}", SOURCE, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(SOURCE + " is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed"
                        + " (1000)");
        assertRejected("{\"uid\":\"a\",\"x\":" + "7".repeat(1100) + "}",
                "is not valid JSON: Number value length (1100) exceeds the maximum allowed (1000)");
        assertRejected("/etc/mpp/secret.json", "MPP_MARATHON_PRINCIPAL_SECRET_FILE");
        assertRejected("  ", "is empty");
    }

    @Test
    void aShortKeyIsRefusedForRs256() {
        KeyPair small = TestKeys.rsa(1024);
        assertRejected(TestKeys.secret("a", TestKeys.pkcs1(small), LOGIN), "1024-bit RSA key");
    }

    @Test
    void anEncryptedKeyIsRefusedClearly() {
        String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(new byte[64]) + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assertThatThrownBy(() -> PrincipalSecret.parse(TestKeys.secret("a", encrypted, LOGIN), SOURCE, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 'private_key'");
    }

    private static void assertRejected(String text, String expected) {
        assertThatThrownBy(() -> PrincipalSecret.parse(text, SOURCE, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(SOURCE)
                .hasMessageContaining(expected)
                .hasMessageNotContaining(keyMaterial)
                .hasMessageNotContaining("MII");
    }
}
