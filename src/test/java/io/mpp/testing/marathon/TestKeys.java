package io.mpp.testing.marathon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Service-account keys and principal secrets as DC/OS writes them. */
public final class TestKeys {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestKeys() {
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code -----BEGIN RSA PRIVATE KEY-----}, what {@code dcos security org service-accounts keypair} writes. */
    public static String pkcs1(KeyPair keys) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(keys.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@code -----BEGIN PRIVATE KEY-----} (openssl genpkey). */
    public static String pkcs8(KeyPair keys) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** The JSON text of a key principal secret, on one line as the DC/OS CLI writes it. */
    public static String secret(String uid, String pem, String loginEndpoint) {
        var node = JSON.createObjectNode().put("scheme", "RS256").put("uid", uid).put("private_key", pem);
        if (loginEndpoint != null) {
            node.put("login_endpoint", loginEndpoint);
        }
        return node.toString();
    }
}
