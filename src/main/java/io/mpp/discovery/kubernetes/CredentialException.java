package io.mpp.discovery.kubernetes;

import java.io.IOException;

/**
 * No token can be had from a kubeconfig's credentials that mpp handles itself. An IOException, so that it fails the
 * API call that needed the token; the message says where the token was to come from and why it cannot, never what
 * a token is.
 */
class CredentialException extends IOException {

    CredentialException(String message) {
        super(message);
    }

    CredentialException(String message, Throwable cause) {
        super(message, cause);
    }
}
