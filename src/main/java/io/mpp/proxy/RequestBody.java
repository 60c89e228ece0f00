package io.mpp.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentSourceRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * A client's request body as mpp forwards it: held in memory up to a bound so the request can be sent again to
 * another backend, or, when larger, streamed through once (then the request is not retried).
 */
sealed interface RequestBody {

    /** Whether the request can be sent again. */
    boolean replayable();

    /** The body for one attempt; null when there is none. Called once per attempt. */
    org.eclipse.jetty.client.Request.Content content(String contentType);

    /** Why the client's body could not be read to its end while it was passed on; null while nothing failed. */
    default Throwable readFailure() {
        return null;
    }

    /** No body. */
    record None() implements RequestBody {
        @Override
        public boolean replayable() {
            return true;
        }

        @Override
        public org.eclipse.jetty.client.Request.Content content(String contentType) {
            return null;
        }
    }

    /** The whole body, read before the first attempt. */
    record Buffered(byte[] bytes) implements RequestBody {
        @Override
        public boolean replayable() {
            return true;
        }

        @Override
        public org.eclipse.jetty.client.Request.Content content(String contentType) {
            // A body without a type goes without one, as the client sent it (not as application/octet-stream).
            return new BytesRequestContent(contentType, bytes);
        }
    }

    /**
     * A body past the bound: what was read of it, then the rest of the client's stream. Read while the backend
     * request is sent, so a client that leaves or stalls in the middle shows here, not as the backend's failure.
     */
    final class Streamed implements RequestBody {
        private final Content.Source source;
        private volatile Throwable readFailure;

        Streamed(Content.Source source) {
            this.source = source;
        }

        @Override
        public boolean replayable() {
            return false;
        }

        @Override
        public org.eclipse.jetty.client.Request.Content content(String contentType) {
            return new ContentSourceRequestContent(new KeptFromBackendFailures(source, this), contentType);
        }

        @Override
        public Throwable readFailure() {
            return readFailure;
        }
    }

    /**
     * The client's body as a backend request's content. A backend request that fails (a bad answer, a broken
     * connection) fails its content; passed on, that failed the client's request as if the client had gone away,
     * and the exchange answered nothing but a cut connection, counted 499, where a 502 was due. The rest of the
     * body is left unread instead: the error answer closes the connection. The other way round, a failure to read
     * the client's body is noted on the body, so that it is not blamed on the backend.
     */
    record KeptFromBackendFailures(Content.Source source, Streamed body) implements Content.Source {
        @Override
        public long getLength() {
            return source.getLength();
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk chunk = source.read();
            if (Content.Chunk.isFailure(chunk) && body.readFailure == null) {
                body.readFailure = chunk.getFailure();
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            source.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            // not the client's failure: see above
        }
    }

    RequestBody NONE = new None();

    /**
     * Reads, without blocking, the body when its length is known and within the limit, or when its length is unknown
     * and it ends within the limit; otherwise leaves it to be streamed. The promise fails when the client's body
     * cannot be read (it went away, or sent less than it announced).
     */
    static void read(Request request, long limit, Promise<RequestBody> promise) {
        long length = request.getLength();
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (length == 0 || length < 0 && !chunked) {
            promise.succeeded(NONE);
        } else if (length > limit) {
            promise.succeeded(new Streamed(request));
        } else {
            new Reader(request, length, limit, promise).run();
        }
    }

    /** Reads chunks as they come, on whichever thread has them: nothing here blocks. */
    final class Reader implements Runnable, Invocable {
        private static final int INITIAL_BYTES = 64 * 1024;
        private final Content.Source source;
        private final long length;
        private final long limit;
        private final Promise<RequestBody> promise;
        private final ByteArrayOutputStream read;

        Reader(Content.Source source, long length, long limit, Promise<RequestBody> promise) {
            this.source = source;
            this.length = length;
            this.limit = limit;
            this.promise = promise;
            // Grown as bytes come: a length announced is not memory to take before they do.
            this.read = new ByteArrayOutputStream((int) Math.min(length > 0 ? length : 1024, INITIAL_BYTES));
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = source.read();
                if (chunk == null) {
                    source.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    promise.failed(chunk.getFailure());
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int size = bytes.remaining();
                if (read.size() + (long) size > limit) {
                    // Only a body of unknown length gets here: stream what was read, then the rest.
                    copy(bytes);
                    chunk.release();
                    promise.succeeded(new Streamed(new PrefixedSource(ByteBuffer.wrap(read.toByteArray()), source)));
                    return;
                }
                copy(bytes);
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    if (length > 0 && read.size() < length) {
                        promise.failed(new EOFException("the request body ended after " + read.size() + " of the "
                                + length + " bytes its Content-Length announced"));
                    } else {
                        promise.succeeded(new Buffered(read.toByteArray()));
                    }
                    return;
                }
            }
        }

        private void copy(ByteBuffer bytes) {
            if (bytes.hasArray()) {
                read.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.slice().get(copy);
                read.write(copy, 0, copy.length);
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    /** The part of a body read already, then the rest of the client's stream. */
    final class PrefixedSource implements Content.Source {
        private final Content.Source rest;
        private volatile ByteBuffer prefix;

        PrefixedSource(ByteBuffer prefix, Content.Source rest) {
            this.prefix = prefix;
            this.rest = rest;
        }

        @Override
        public Content.Chunk read() {
            ByteBuffer first = prefix;
            if (first != null) {
                prefix = null;
                return Content.Chunk.from(first, false);
            }
            return rest.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            if (prefix != null) {
                demandCallback.run();
            } else {
                rest.demand(demandCallback);
            }
        }

        @Override
        public void fail(Throwable failure) {
            rest.fail(failure);
        }
    }
}
