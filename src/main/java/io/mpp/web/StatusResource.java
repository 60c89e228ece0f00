package io.mpp.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * {@code /mpp/status}: the HTML page for people; the same data in JSON for machines, at {@code /mpp/status.json}
 * or at {@code /mpp/status} with {@code Accept: application/json}. A browser or a plain {@code curl} gets HTML.
 */
@Path("/")
public class StatusResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    private final StatusReport.Source source;

    public StatusResource(StatusReport.Source source) {
        this.source = source;
    }

    @GET
    @Path("status")
    @Produces("text/html;qs=1")
    public Response html(@Context UriInfo uri) {
        // Jersey serves status/ too; the page's relative links must then go one level up.
        String linkBase = uri.getPath().endsWith("/") ? "../" : "";
        return Response.ok(StatusPage.render(source.report(), linkBase), "text/html;charset=utf-8")
                .cacheControl(NO_STORE).build();
    }

    @GET
    @Path("status")
    @Produces("application/json;qs=0.9")
    public Response json() {
        return Response.ok(source.report(), MediaType.APPLICATION_JSON_TYPE).cacheControl(NO_STORE).build();
    }

    @GET
    @Path("status.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response jsonFile() {
        return json();
    }
}
