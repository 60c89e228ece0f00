package io.mpp.discovery.marathon;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads server-sent events with a bound on one line and on one event's data: a stream that answers 200 and then never
 * ends a line, or never ends an event, would otherwise fill the heap while never being idle.
 */
final class ServerSentEvents {

    /** One event; {@code type} is null when the event has no {@code event:} line. */
    record Event(String type, String data) {
    }

    /** The stream broke a bound: it is no Marathon event stream, or a broken one. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** Marathon's events are a few KiB; a task list in one event stays far below this. */
    static final int MAX_CHARS = 1 << 20;

    private final Reader in;
    private final int maxChars;
    private final StringBuilder line = new StringBuilder();
    /** The last line ended with CR: a LF right after it ends no second line. */
    private boolean afterCr;

    /** @param in a buffered reader: it is read a character at a time */
    ServerSentEvents(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next event, or null at the end of the stream (an event the stream cut off is dropped). */
    Event next() throws IOException {
        String type = null;
        StringBuilder data = new StringBuilder();
        String text;
        while ((text = readLine()) != null) {
            if (text.isEmpty()) {
                if (type != null || !data.isEmpty()) {
                    return new Event(type, data.toString());
                }
            } else if (text.startsWith("event:")) {
                type = text.substring(6).strip();
            } else if (text.startsWith("data:")) {
                String value = text.substring(5).strip();
                if (data.length() + value.length() + 1 > maxChars) {
                    throw new TooLargeException("sent an event with more than " + maxChars + " characters of data");
                }
                data.append(data.isEmpty() ? "" : "\n").append(value);
            }
            // other fields (id:, retry:) and ':' comments carry nothing mpp needs
        }
        return null;
    }

    /** A line ended by CR, LF or CRLF, as the event-stream format allows; null at the end of the stream. */
    private String readLine() throws IOException {
        line.setLength(0);
        int c;
        while ((c = in.read()) >= 0) {
            boolean lf = c == '\n';
            if (lf && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = c == '\r';
            if (lf || afterCr) {
                return line.toString();
            }
            if (line.length() >= maxChars) {
                throw new TooLargeException("sent a line of more than " + maxChars + " characters");
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }
}
