package io.mpp.web;

import io.mpp.metrics.MppMetrics;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** {@code /mpp/metrics} on both ports: every meter, in Prometheus text (or OpenMetrics when the scraper asks). */
public final class MetricsServlet extends HttpServlet {

    private final transient MppMetrics metrics;

    public MetricsServlet(MppMetrics metrics) {
        this.metrics = metrics;
    }

    /** Other methods get the JSON 405 the other {@code /mpp/} resources give, not the container's HTML page. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            super.service(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        response.setHeader("Allow", "GET,HEAD,OPTIONS");
        response.setContentType("application/json");
        response.getWriter().write("{\"code\":405,\"message\":\"HTTP 405 Method Not Allowed\"}");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String accept = request.getHeader("Accept");
        // Whole before the status is sent: a scrape that fails must be a 500 for the scraper, not an empty 200.
        ByteArrayOutputStream scraped = new ByteArrayOutputStream(64 * 1024);
        metrics.scrape(scraped, accept);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(metrics.contentType(accept));
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(scraped.size());
        try (OutputStream out = response.getOutputStream()) {
            scraped.writeTo(out);
        }
    }
}
