package io.mpp.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Renders a {@link StatusReport} as one self-contained HTML page: inline CSS, no script, no external asset (DC/OS
 * clusters are often air-gapped), and only relative links to mpp itself, so it works under Admin Router's
 * {@code /service/<name>/} prefix. It reloads itself every selection interval (5 s to 60 s). Every value is escaped.
 */
public final class StatusPage {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            :root{--fg:#1d2430;--muted:#5f6b7a;--line:#dde2e8;--bg:#f5f7fa;--ok:#1a7f37;--warn:#9a6700;--bad:#c62828}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
              color:var(--fg);background:var(--bg)}
            header{background:#1f2a37;color:#fff;padding:14px 24px;display:flex;align-items:center;gap:16px}
            header h1{font-size:20px;margin:0;font-weight:600;letter-spacing:.5px}
            header .sub{color:#b8c2cf;font-size:13px}
            main{padding:18px 24px;max-width:1400px}
            h2{font-size:15px;margin:22px 0 8px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
            .pill{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:600;color:#fff}
            .pill.ok{background:var(--ok)}.pill.warn{background:var(--warn)}.pill.bad{background:var(--bad)}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:0;background:#fff;
              border:1px solid var(--line);border-radius:8px;padding:14px 18px}
            dt{color:var(--muted)}dd{margin:0}
            table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:8px;
              overflow:hidden}
            th,td{text-align:left;padding:8px 12px;border-bottom:1px solid var(--line);vertical-align:top}
            th{background:#eef1f5;font-weight:600;font-size:12px;color:var(--muted);text-transform:uppercase;
              letter-spacing:.4px}
            tr:last-child td{border-bottom:0}
            td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            td.nw{white-space:nowrap}
            .dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:6px;vertical-align:middle}
            .dot.ok{background:var(--ok)}.dot.warn{background:var(--warn)}.dot.bad{background:var(--bad)}
            .yes{color:var(--ok);font-weight:600}.no{color:var(--muted)}
            .err{color:var(--bad);font-size:13px;word-break:break-word}
            .skipped{color:var(--warn);font-size:13px;word-break:break-word}
            .muted{color:var(--muted);font-size:12px}
            code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
            a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
            footer{padding:8px 24px 24px;color:var(--muted);font-size:12px}
            """;

    private StatusPage() {
    }

    /** The page, its links to mpp's other pages relative to {@code linkBase} ("" or "../"). */
    public static String render(StatusReport r, String linkBase) {
        long refresh = Math.min(60, Math.max(5, r.selectionIntervalSeconds()));
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(refresh).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>mpp status</title><style>").append(STYLE).append("</style></head><body>\n");

        h.append("<header><h1>mpp</h1>").append(summaryPill(r)).append("<span class=\"sub\">")
                .append(esc(r.selected() + " of " + r.candidates().size() + " backend(s) serving, " + r.live()
                        + " live" + busyCount(r))).append("</span></header>\n<main>\n");

        h.append("<h2>Runtime</h2><dl>");
        item(h, "Uptime", esc(duration(r.uptimeSeconds())) + " <span class=\"muted\">since "
                + esc(time(r.startedAt())) + "</span>");
        item(h, "Version", "<code>" + esc(r.version()) + "</code>");
        item(h, "Routing strategy", "<code>" + esc(r.strategy()) + "</code>");
        item(h, "Strategy measures", esc(r.measures()));
        item(h, "Selection interval", esc(r.selectionInterval()) + " <span class=\"muted\">last selection "
                + esc(time(r.selectedAt())) + "</span>");
        item(h, "Affinity options", esc(r.affinityOptions().isEmpty() ? "none" : String.join(", ",
                r.affinityOptions())));
        h.append("</dl>\n");

        h.append("<h2>Prometheus endpoints</h2><table><thead><tr><th>Endpoint</th><th>Locator</th><th>Selected</th>")
                .append("<th>Live</th><th>Uptime</th><th>Measured</th><th>Last error</th></tr></thead><tbody>\n");
        if (r.candidates().isEmpty()) {
            h.append("<tr><td colspan=\"7\" class=\"muted\">No candidate: no locator found a backend yet.</td></tr>");
        }
        for (StatusReport.CandidateRow c : r.candidates()) {
            h.append("<tr><td>").append(link(c.endpoint())).append("</td><td><code>").append(esc(c.locator()))
                    .append("</code></td><td class=\"nw\">")
                    .append(c.selected() ? "<span class=\"yes\">&#10003; selected</span>"
                            : "<span class=\"no\">&mdash;</span>")
                    .append("</td><td class=\"nw\">")
                    .append(c.live() ? "<span class=\"dot ok\"></span>live"
                            : c.busy() ? "<span class=\"dot warn\"></span>busy" : "<span class=\"dot bad\"></span>down")
                    .append("</td><td class=\"num\">");
            if (c.uptimeSeconds() != null) {
                h.append("<span title=\"live since ").append(esc(time(c.liveSince()))).append("\">")
                        .append(esc(duration(c.uptimeSeconds()))).append("</span>");
            } else {
                h.append("<span class=\"no\">&mdash;</span>");
            }
            h.append("</td><td class=\"num\">").append(measured(c)).append("</td><td>");
            if (c.error() != null) {
                h.append("<span class=\"err\">").append(esc(c.error())).append("</span>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");

        h.append("<h2>Locators</h2><table><thead><tr><th>Locator</th><th>Endpoints</th><th>Last answer</th>")
                .append("<th>Last error</th></tr></thead><tbody>\n");
        for (StatusReport.LocatorRow l : r.locators()) {
            h.append("<tr><td><code>").append(esc(l.name())).append("</code></td><td class=\"num\">")
                    .append(l.endpoints()).append("</td><td>")
                    .append(l.lastSuccess() == null ? "<span class=\"no\">never</span>" : esc(time(l.lastSuccess())))
                    .append("</td><td>");
            if (l.error() != null) {
                h.append("<span class=\"err\">").append(esc(l.error())).append("</span>");
            }
            if (l.warning() != null) {
                h.append(l.error() == null ? "" : "<br>")
                        .append("<span class=\"skipped\">").append(esc(l.warning())).append("</span>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n</main>\n");

        h.append("<footer>Reloads every ").append(refresh).append(" s &middot; <a href=\"").append(linkBase)
                .append("status.json\">JSON</a> &middot; <a href=\"").append(linkBase)
                .append("metrics\">metrics</a> &middot; <a href=\"").append(linkBase).append("health\">health</a>")
                .append("</footer>\n</body></html>\n");
        return h.toString();
    }

    /** A backend's own URL, linked only when it is http(s): a locator bug must not make a script link. */
    private static String link(String url) {
        String code = "<code>" + esc(url) + "</code>";
        return url.startsWith("http://") || url.startsWith("https://")
                ? "<a href=\"" + esc(url) + "\">" + code + "</a>" : code;
    }

    private static String summaryPill(StatusReport r) {
        if (r.selected() == 0) {
            return "<span class=\"pill bad\">no backend: requests get 503</span>";
        }
        if (r.busy()) {
            return "<span class=\"pill warn\">busy backends serve: none answered the query in time</span>";
        }
        if (!r.strategySatisfied()) {
            return "<span class=\"pill warn\">strategy not met: all live serve</span>";
        }
        return "<span class=\"pill ok\">serving</span>";
    }

    /** Busy backends are neither live nor down: counted apart when there are any. */
    private static String busyCount(StatusReport r) {
        long busy = r.candidates().stream().filter(StatusReport.CandidateRow::busy).count();
        return busy == 0 ? "" : ", " + busy + " busy";
    }

    private static void item(StringBuilder h, String term, String html) {
        h.append("<dt>").append(esc(term)).append("</dt><dd>").append(html).append("</dd>");
    }

    private static String measured(StatusReport.CandidateRow c) {
        if (c.measured() != null) {
            double v = c.measured();
            String shown = c.measuredSource() != null && c.measuredSource().endsWith("seconds")
                    ? duration((long) v) : number(v);
            return "<span title=\"" + esc(c.measuredSource() + " = " + v) + "\">" + esc(shown) + "</span>";
        }
        if (!c.live() || c.measuredMissing() == null) {
            return "<span class=\"no\">&mdash;</span>";
        }
        return "<span class=\"muted\">" + esc(c.measuredMissing()) + "</span>";
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** 3d 4h, 2h 5m, 4m 10s, 45s. */
    static String duration(long seconds) {
        long d = seconds / 86400;
        long h = seconds % 86400 / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (d > 0) {
            return d + "d " + h + "h";
        }
        if (h > 0) {
            return h + "h " + m + "m";
        }
        return m > 0 ? m + "m " + s + "s" : s + "s";
    }

    private static String time(String iso) {
        if (iso == null) {
            return "";
        }
        return TIME.format(Instant.parse(iso));
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
