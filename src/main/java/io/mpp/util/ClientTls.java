package io.mpp.util;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The TLS side of mpp's HTTP clients (to Marathon, to the backends): which certificates they trust. */
public final class ClientTls {

    private ClientTls() {
    }

    /**
     * A client's TLS: the JVM's trust store, the CA certificates of a PEM file, or any certificate and host name.
     *
     * @param insecure trust any certificate and host name ({@code MPP_INSECURE_CERTS})
     * @param caFile   PEM file of the CA certificate(s) to trust instead of the JVM's; null for the JVM's
     * @param setting  names the CA file's setting in messages, e.g. {@code MPP_MARATHON_CA_FILE (caFile)}
     * @throws IllegalArgumentException when the CA file cannot be read or holds no certificate, naming the setting
     */
    public static SslContextFactory.Client trusting(boolean insecure, Path caFile, String setting) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (insecure) {
            tls.setTrustAll(true);
            tls.setEndpointIdentificationAlgorithm(null);
        } else if (caFile != null) {
            tls.setTrustStore(trustStore(caFile, setting));
        }
        return tls;
    }

    /** Far above any CA bundle (a system's whole bundle is about 200 KiB). */
    public static final int MAX_PEM_BYTES = 4 << 20;

    private static KeyStore trustStore(Path caFile, String setting) {
        byte[] pem;
        try {
            pem = SmallFile.read(caFile, MAX_PEM_BYTES);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": cannot read " + caFile + " (" + SmallFile.why(e) + ")");
        }
        return trustStore(pem, setting + ": " + caFile);
    }

    /**
     * A trust store of the CA certificates in PEM text, for clients that are not Jetty's.
     *
     * @param where names the text in messages, e.g. {@code MPP_MARATHON_CA_FILE (caFile): /etc/ca.pem}
     * @throws IllegalArgumentException when the text holds no certificate, naming it by {@code where}
     */
    public static KeyStore trustStore(byte[] pem, String where) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = new ByteArrayInputStream(pem)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(where + " is not a PEM file of certificates (" + e.getMessage()
                    + ")");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(where + " holds no certificate");
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
            throw new IllegalStateException("cannot build a trust store from " + where, e);
        }
    }
}
