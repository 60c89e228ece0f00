package io.mpp.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** A trust store made of the CA certificates in a PEM file, for TLS clients that trust a private CA. */
public final class PemTrustStore {

    private PemTrustStore() {
    }

    /**
     * @param setting names the setting in messages, e.g. {@code MPP_MARATHON_CA_FILE (caFile)}
     * @throws IllegalArgumentException when the file cannot be read or holds no certificate, naming the setting
     */
    public static KeyStore load(Path caFile, String setting) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": cannot read " + caFile + " ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": " + caFile + " is not a PEM file of certificates ("
                    + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(setting + ": " + caFile + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust store from " + caFile, e);
        }
    }
}
