package io.mpp.testing.marathon;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA (like the DC/OS cluster CA) and a server certificate for 127.0.0.1 / localhost signed by it: the
 * CA as a PEM file for mpp, the server's key and chain as a PKCS#12 keystore for WireMock's https connector, and as
 * PEM files for Prometheus's {@code tls_server_config}.
 */
public final class TestTls {

    public static final String PASSWORD = "changeit";

    private final Path caPem;
    private final Path keystore;
    private final Path serverCertPem;
    private final Path serverKeyPem;

    private TestTls(Path caPem, Path keystore, Path serverCertPem, Path serverKeyPem) {
        this.caPem = caPem;
        this.keystore = keystore;
        this.serverCertPem = serverCertPem;
        this.serverKeyPem = serverKeyPem;
    }

    public static TestTls create(Path dir, String caName) throws Exception {
        KeyPair caKeys = TestKeys.rsa(2048);
        Instant now = Instant.now();
        Date from = Date.from(now.minus(Duration.ofHours(1)));
        Date to = Date.from(now.plus(Duration.ofDays(1)));
        X500Name ca = new X500Name("CN=" + caName);
        X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(ca, BigInteger.ONE, from, to, ca,
                caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = sign(caBuilder, caKeys);

        KeyPair serverKeys = TestKeys.rsa(2048);
        X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(ca, BigInteger.TWO, from, to,
                new X500Name("CN=127.0.0.1"), serverKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate serverCert = sign(serverBuilder, caKeys);

        Files.createDirectories(dir);
        Path caPem = dir.resolve(caName + "-ca.crt");
        Files.writeString(caPem, pem(caCert));
        Path serverCertPem = dir.resolve(caName + "-server.crt");
        Files.writeString(serverCertPem, pem(serverCert) + pem(caCert));
        Path serverKeyPem = dir.resolve(caName + "-server.key");
        Files.writeString(serverKeyPem, pem(serverKeys.getPrivate()));

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", serverKeys.getPrivate(), PASSWORD.toCharArray(),
                new Certificate[] {serverCert, caCert});
        Path keystore = dir.resolve(caName + "-server.p12");
        try (OutputStream out = Files.newOutputStream(keystore)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return new TestTls(caPem, keystore, serverCertPem, serverKeyPem);
    }

    private static String pem(Object object) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(object);
        }
        return pem.toString();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    }

    public Path caPem() {
        return caPem;
    }

    public Path keystore() {
        return keystore;
    }

    /** The server's certificate, then the CA's, in PEM. */
    public Path serverCertPem() {
        return serverCertPem;
    }

    public Path serverKeyPem() {
        return serverKeyPem;
    }
}
