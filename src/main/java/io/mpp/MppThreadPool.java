package io.mpp;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.metrics.jetty12.InstrumentedQueuedThreadPool;
import io.mpp.proxy.InlineResume;
import java.util.concurrent.BlockingQueue;

/** Dropwizard's instrumented pool for the server, which runs in place the connection resumes of proxied answers. */
final class MppThreadPool extends InstrumentedQueuedThreadPool {

    MppThreadPool(MetricRegistry registry, int maxThreads, int minThreads, int idleTimeoutMillis,
                  BlockingQueue<Runnable> queue) {
        super(registry, maxThreads, minThreads, idleTimeoutMillis, queue);
    }

    @Override
    public void execute(Runnable job) {
        if (InlineResume.takes(job)) {
            job.run();
        } else {
            super.execute(job);
        }
    }
}
