package io.mpp.web;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.io.EofException;

/**
 * Keeps Jersey from logging an ERROR with a stack trace for every client that left before its {@code /mpp/*}
 * answer was written: that is no error of mpp's. Everything else the logger says still shows.
 */
public final class DepartedClientLogFilter implements Filter {

    /** Jersey's logger for writing answers (java.util.logging, bridged to mpp's log). */
    static final String JERSEY_RESPONDER = "org.glassfish.jersey.server.ServerRuntime$Responder";

    /** java.util.logging keeps loggers weakly: the filter must not go with a logger nobody else holds yet. */
    private static final Logger RESPONDER = Logger.getLogger(JERSEY_RESPONDER);

    private DepartedClientLogFilter() {
    }

    public static void install() {
        RESPONDER.setFilter(new DepartedClientLogFilter());
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            if (t instanceof EofException) {
                return false;
            }
        }
        return true;
    }
}
