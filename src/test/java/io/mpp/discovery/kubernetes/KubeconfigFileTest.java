package io.mpp.discovery.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.scanner.ScannerException;

/**
 * A kubeconfig that cannot be used stops mpp at start with a message that says where the mistake is, but never
 * quotes the file: it holds tokens and keys, and the message goes to the log and the terminal.
 */
class KubeconfigFileTest {

    static final String TOKEN = "s3cr3t-TOKEN-value";
    static final String KEY_DATA = Base64.getEncoder().encodeToString(
            "-----BEGIN PRIVATE KEY-----\nnot-a-key-but-s3cr3t\n-----END PRIVATE KEY-----\n".getBytes());
    static final String CERT_DATA = Base64.getEncoder().encodeToString(
            "-----BEGIN CERTIFICATE-----\nMIIBnot-a-cert\n-----END CERTIFICATE-----\n".getBytes());

    @TempDir
    Path dir;

    @Test
    void anUnterminatedQuotedTokenIsPlacedButNotQuoted() throws Exception {
        Path file = writeUser("""
                    token: "%s
                """.formatted(TOKEN));
        assertThatThrownBy(() -> build(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MPP_KUBECONFIG " + file + " cannot be used: it is not valid YAML at line 8, column 1:"
                        + " found unexpected end of stream (while scanning a quoted scalar at line 7, column 12)")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void aTokenTheParserTakesForAnAliasIsNotQuoted() throws Exception {
        Path file = writeUser("""
                    token: *%s
                """.formatted(TOKEN));
        assertThatThrownBy(() -> build(file))
                .hasMessageStartingWith("MPP_KUBECONFIG " + file + " cannot be used: it is not valid YAML at line 7")
                .hasMessageContaining("found undefined alias")
                .hasMessageNotContaining(TOKEN);
        assertThat(KubeconfigFailure.known("found undefined tag handle !s3cr3t!")).isEqualTo(
                "found undefined tag handle");
        assertThat(KubeconfigFailure.known("expected <block end>, but found '<scalar>'"))
                .as("a token of the parser's, not of the file").isEqualTo("expected <block end>, but found '<scalar>'");
        assertThat(KubeconfigFailure.known("expected <block end>, but found 's3cr3t-value' here")).isNull();
        assertThat(KubeconfigFailure.known("found character '@' that cannot start any token. (Do not use @ for"
                + " indentation)")).as("one character tells where, not what")
                .isEqualTo("found character '@' that cannot start any token. (Do not use @ for indentation)");
        assertThat(KubeconfigFailure.known("some new problem with s3cr3t")).as("unknown texts are left out").isNull();
    }

    @Test
    void aPasswordTheParserTakesForATagIsNotQuoted() throws Exception {
        Path file = writeUser("""
                    password: !Zx9-hunter2
                """);
        assertThatThrownBy(() -> build(file))
                .hasMessage("MPP_KUBECONFIG " + file + " cannot be used: it is not valid YAML at line 7, column 15:"
                        + " could not determine a constructor for the tag");
    }

    @Test
    void aTokenTheParserTakesForAGlobalTagIsNotQuoted() throws Exception {
        Path file = writeUser("""
                    token: !!SECRETX7 abc
                """);
        assertThatThrownBy(() -> build(file))
                .hasMessageStartingWith("MPP_KUBECONFIG " + file + " cannot be used: it is not valid YAML at line 7")
                .hasMessageEndingWith(": Global tag is not allowed")
                .hasMessageNotContaining("SECRETX7");
    }

    @Test
    void aBadEscapeIsNotQuoted() throws Exception {
        // The problem is "expected escape sequence of 2 hexadecimal numbers, but found: ZZ", the file's text.
        Path file = writeUser("""
                    token: "\\xZZs3cr3t"
                """);
        assertThatThrownBy(() -> build(file))
                .hasMessageStartingWith("MPP_KUBECONFIG " + file + " cannot be used: it is not valid YAML at line 7")
                .hasMessageContaining(": expected escape sequence of 2 hexadecimal numbers (while scanning")
                .hasMessageNotContaining("ZZ");
    }

    @Test
    void aProblemOfUnknownWordingIsOnlyPlaced() {
        Mark mark = new Mark("kubeconfig", 120, 7, 14, new int[0], 0);
        assertThat(KubeconfigFailure.describe(dir.resolve("kubeconfig"), new ScannerException("while scanning"
                + " s3cr3t", mark, "a problem a newer parser words differently: s3cr3t", mark)))
                .isEqualTo("it is not valid YAML at line 8, column 15");
    }

    @Test
    void aDirectoryIsSaidToBeOne() {
        assertThatThrownBy(() -> build(dir)).hasMessage("MPP_KUBECONFIG " + dir + " cannot be used: it is a"
                + " directory, not a file");
    }

    @Test
    void aMisindentedLineBesideAKeyIsPlacedButNotQuoted() throws Exception {
        Path file = writeUser("""
                    token: %s
                   client-key-data: %s
                """.formatted(TOKEN, KEY_DATA));
        assertThatThrownBy(() -> build(file))
                .hasMessageStartingWith("MPP_KUBECONFIG " + file + " cannot be used: it is not valid YAML at line 8")
                .hasMessageNotContaining(TOKEN)
                .hasMessageNotContaining(KEY_DATA.substring(0, 20));
    }

    @Test
    void aCertificateThatCannotBeReadIsNotQuoted() throws Exception {
        Path file = write("""
                apiVersion: v1
                kind: Config
                clusters: [{name: f, cluster: {server: 'https://127.0.0.1:1'}}]
                users: [{name: u, user: {client-certificate-data: %s, client-key-data: %s}}]
                contexts: [{name: f, context: {cluster: f, user: u}}]
                current-context: f
                """.formatted(CERT_DATA, KEY_DATA));
        assertThatThrownBy(() -> build(file))
                .hasMessage("MPP_KUBECONFIG " + file + " cannot be used: a certificate or key in it cannot be read"
                        + " (RuntimeException: CertificateException: IOException); check it with kubectl --kubeconfig "
                        + file + " config view")
                // The certificate parser's own message quotes the end of what it read.
                .hasMessageNotContaining("a-cert");
    }

    /** A kubeconfig whose one user's entry holds these lines, from line 7 on. */
    private Path writeUser(String lines) throws Exception {
        return write("""
                apiVersion: v1
                kind: Config
                clusters: [{name: f, cluster: {server: 'https://127.0.0.1:1'}}]
                users:
                - name: u
                  user:
                """ + lines);
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, text);
        return file;
    }

    private static void build(Path file) {
        Duration second = Duration.ofSeconds(1);
        new KubeClients(file.toString(), Map.of(), second).build(second, second, second);
    }
}
