package io.mpp.proxy;

import java.io.IOException;

/** A backend's answer that broke the protocol or ended early; the message says how, fit for an error answer. */
public class BadAnswer extends IOException {

    public BadAnswer(String message) {
        super(message);
    }
}
