package io.mpp.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    /** A client's body that has not sent a byte yet. */
    private static final Content.Source SILENT = new Content.Source() {
        @Override
        public Content.Chunk read() {
            return null;
        }

        @Override
        public void demand(Runnable demandCallback) {
            // never
        }

        @Override
        public void fail(Throwable failure) {
        }
    };

    @Test
    void aLengthAnnouncedIsNotMemoryTakenBeforeTheBytesCome() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);

        new RequestBody.Reader(SILENT, 200L << 20, 256L << 20, Promise.noop()).run();

        // It took the announced 200 MiB at once: a few such requests exhausted the heap.
        assertThat(threads.getThreadAllocatedBytes(id) - before).isLessThan(1 << 20);
    }
}
