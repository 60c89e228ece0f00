package io.mpp.proxy;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * A client's request body as mpp forwards it: held in memory up to a bound so the request can be sent again to
 * another backend, or, when larger, streamed through once (then the request is not retried).
 */
sealed interface RequestBody {

    /** Whether the request can be sent again. */
    boolean replayable();

    /** No body. */
    record None() implements RequestBody {
        @Override
        public boolean replayable() {
            return true;
        }
    }

    /** The whole body, read before the first attempt. */
    record Buffered(byte[] bytes) implements RequestBody {
        @Override
        public boolean replayable() {
            return true;
        }
    }

    /** A body past the bound: what was read of it, then the rest of the client's stream. */
    record Streamed(InputStream stream) implements RequestBody {
        @Override
        public boolean replayable() {
            return false;
        }
    }

    RequestBody NONE = new None();

    /**
     * Reads the body when its length is known and within the limit, or when its length is unknown and it ends within
     * the limit; otherwise leaves it to be streamed.
     *
     * @throws IOException when the client's body cannot be read (it went away, or sent less than it announced)
     */
    static RequestBody read(HttpServletRequest request, long limit) throws IOException {
        long length = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (length == 0 || length < 0 && !chunked) {
            return NONE;
        }
        InputStream in = request.getInputStream();
        if (length > limit) {
            return new Streamed(in);
        }
        if (length > 0) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length < length) {
                throw new EOFException("the request body ended after " + bytes.length + " of the " + length
                        + " bytes its Content-Length announced");
            }
            return new Buffered(bytes);
        }
        byte[] head = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (head.length <= limit) {
            return new Buffered(head);
        }
        return new Streamed(new SequenceInputStream(new ByteArrayInputStream(head), in));
    }
}
