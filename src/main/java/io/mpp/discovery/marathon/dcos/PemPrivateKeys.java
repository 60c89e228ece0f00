package io.mpp.discovery.marathon.dcos;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads an RSA private key from PEM: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what DC/OS writes) or PKCS#8
 * ({@code BEGIN PRIVATE KEY}). The JDK reads only the latter; Bouncy Castle reads both.
 */
public final class PemPrivateKeys {

    private PemPrivateKeys() {
    }

    /** @throws IllegalArgumentException starting with {@code what}; never quoting the key */
    public static PrivateKey read(String pem, String what) {
        Object object;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            object = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + " is not a readable PEM key (" + e.getClass().getSimpleName()
                    + "); expected '-----BEGIN RSA PRIVATE KEY-----' or '-----BEGIN PRIVATE KEY-----'");
        }
        if (object == null) {
            throw new IllegalArgumentException(what + " holds no PEM block; expected '-----BEGIN RSA PRIVATE KEY-----'"
                    + " or '-----BEGIN PRIVATE KEY-----' (in JSON, line breaks are written as \\n)");
        }
        if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new IllegalArgumentException(what + " is encrypted; give the key without a passphrase");
        }
        PrivateKeyInfo info;
        if (object instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else if (object instanceof PrivateKeyInfo plain) {
            info = plain;
        } else {
            throw new IllegalArgumentException(what + " is a PEM block of another kind (" + object.getClass()
                    .getSimpleName() + "), not a private key");
        }
        PrivateKey key;
        try {
            key = new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + " cannot be read as a private key (" + e.getClass()
                    .getSimpleName() + ")");
        }
        if (!(key instanceof RSAPrivateKey)) {
            throw new IllegalArgumentException(what + " is a " + key.getAlgorithm() + " key; RS256 needs an RSA key");
        }
        return key;
    }
}
