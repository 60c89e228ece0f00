package io.mpp.selection;

import io.mpp.discovery.Endpoint;
import java.util.concurrent.CompletableFuture;

/** Measures one backend off the request path. The future always completes, within the probe's own timeout. */
public interface BackendProbe {

    CompletableFuture<Candidate> probe(Endpoint endpoint);
}
