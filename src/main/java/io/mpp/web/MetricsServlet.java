package io.mpp.web;

import io.mpp.metrics.MppMetrics;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/** {@code /mpp/metrics} on both ports: every meter, in Prometheus text (or OpenMetrics when the scraper asks). */
public final class MetricsServlet extends HttpServlet {

    private final transient MppMetrics metrics;

    public MetricsServlet(MppMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String accept = request.getHeader("Accept");
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(metrics.contentType(accept));
        response.setHeader("Cache-Control", "no-store");
        try (OutputStream out = response.getOutputStream()) {
            metrics.scrape(out, accept);
        }
    }
}
