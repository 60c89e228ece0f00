package io.mpp.proxy;

import java.io.IOException;

/** A backend's answer that broke the protocol or ended early; the message says how, fit for an error answer. */
public class BadAnswer extends IOException {

    public BadAnswer(String message) {
        super(message);
    }

    /**
     * An answer in a transfer coding other than chunked alone ({@code gzip, chunked}): mpp passes bodies on as they
     * come, in its own framing, so any other coding would reach the client undeclared, its bytes garbled.
     *
     * @return the problem, or null for {@code chunked}
     */
    public static BadAnswer ofTransferEncoding(String value) {
        return value != null && value.strip().equalsIgnoreCase("chunked") ? null
                : new BadAnswer("the backend's answer has transfer coding '" + value + "'; mpp passes on chunked only");
    }
}
