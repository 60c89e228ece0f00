package io.mpp.discovery.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import okio.Buffer;
import okio.BufferedSource;
import okhttp3.ResponseBody;

/**
 * How much of an API server's answer mpp reads. Time alone (MPP_KUBE_TIMEOUT) does not bound a fast server's
 * answer, and each is held in memory whole: an answer past its limit fails the call, naming the limit.
 *
 * @param list      bytes of the answer to a list or a read; a namespace's pods or a service's slices are a few MiB
 * @param errorBody bytes read of an error answer, for the message it shows (the rest is left unread)
 * @param watchLine bytes of one watch event (one object), its line end excluded
 */
record AnswerLimits(long list, int errorBody, int watchLine) {

    private static final int KIB = 1024;
    private static final int MIB = KIB * KIB;

    static final AnswerLimits DEFAULT = new AnswerLimits(64L * MIB, 64 * KIB, 16 * MIB);

    /** An answer longer than its limit; the message says {@code more than 64 MiB}. */
    static final class TooLarge extends IOException {

        TooLarge(long limit) {
            super("more than " + size(limit));
        }
    }

    /** The whole body of a list or read, once it is known to fit. */
    InputStream listBody(ResponseBody body) throws IOException {
        return whole(body, list);
    }

    /** The whole body of an answer, once it is known to be no longer than {@code limit} bytes. */
    static InputStream whole(ResponseBody body, long limit) throws IOException {
        BufferedSource source = body.source();
        if (source.request(limit + 1)) {
            throw new TooLarge(limit);
        }
        return source.getBuffer().inputStream(); // request() read to the end
    }

    /** The start of an error answer's body, as text. */
    String errorBody(ResponseBody body) throws IOException {
        BufferedSource source = body.source();
        source.request(errorBody);
        Buffer read = source.getBuffer();
        return read.readString(Math.min(read.size(), errorBody), StandardCharsets.UTF_8);
    }

    /** The next line of a watch without its end; null at the end of the answer. */
    String line(BufferedSource source) throws IOException {
        long end = source.indexOf((byte) '\n', 0, watchLine + 1L);
        if (end >= 0) {
            String line = source.readUtf8(end);
            source.skip(1);
            return line;
        }
        if (source.getBuffer().size() > watchLine) {
            throw new TooLarge(watchLine);
        }
        // indexOf stopped short of the limit, so the answer ended: what is left is a last line without its end.
        return source.exhausted() ? null : source.readUtf8();
    }

    /** For messages: {@code 64 MiB}, {@code 16 KiB}, {@code 100 bytes}. */
    static String size(long bytes) {
        if (bytes > 0 && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        return bytes > 0 && bytes % KIB == 0 ? bytes / KIB + " KiB" : bytes + " bytes";
    }
}
