package io.mpp.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Plain liveness for load balancers and Marathon health checks: the process answers. */
@Path("/health")
public class HealthResource {

    /**
     * Always 200 with a plain {@code OK}, whatever the {@code Accept} header asks for: a checker that asks for JSON
     * must not read a 406 as a dead mpp. So no {@code @Produces}, which would make Jersey negotiate.
     */
    @GET
    public Response health() {
        return Response.ok("OK", MediaType.TEXT_PLAIN_TYPE).build();
    }
}
