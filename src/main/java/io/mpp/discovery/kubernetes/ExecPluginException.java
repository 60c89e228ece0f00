package io.mpp.discovery.kubernetes;

import java.io.IOException;

/**
 * A kubeconfig's exec plugin gave no token. An IOException, so that it fails the API call that needed the token;
 * the message names the plugin's command, never what it printed (that is where tokens are).
 */
final class ExecPluginException extends IOException {

    ExecPluginException(String message) {
        super(message);
    }

    ExecPluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
