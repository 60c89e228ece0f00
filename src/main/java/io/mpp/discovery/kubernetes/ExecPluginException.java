package io.mpp.discovery.kubernetes;

/**
 * A kubeconfig's exec plugin gave no token; the message names the plugin's command, never what it printed (that is
 * where tokens are).
 */
final class ExecPluginException extends CredentialException {

    ExecPluginException(String message) {
        super(message);
    }

    ExecPluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
