package io.mpp.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StatusPageTest {

    private static final String EVIL = "<script>alert('x')</script>&\"";

    private static StatusReport report(List<StatusReport.CandidateRow> candidates) {
        return new StatusReport("1.2.3<b>", "2026-11-22T04:00:00Z", 3725, "minimum-history:1h", "history " + EVIL,
                "10s", 10, List.of("cookies", EVIL), "2026-11-22T05:02:00Z", true, false, 1, 1,
                List.of(new StatusReport.LocatorRow("file:/tmp/" + EVIL, 2, "2026-11-22T05:02:00Z",
                        "2026-11-22T05:02:00Z", "cannot read " + EVIL, "1 line skipped: " + EVIL)),
                candidates);
    }

    private static StatusReport.CandidateRow row(String url, boolean selected, boolean live, Double measured,
                                                 String error) {
        return new StatusReport.CandidateRow(url, "file:" + EVIL, selected, live, false,
                live ? "2026-11-22T04:01:00Z" : null, live ? 3665L : null, measured,
                measured == null ? null : "history_seconds", live && measured == null ? "no " + EVIL : null, error);
    }

    @Test
    void everyValueIsEscaped() {
        String html = StatusPage.render(report(List.of(
                row("http://a:9090/prom", true, true, 7300.0, null),
                row("http://b:9090", false, false, null, "connection refused " + EVIL))), "");
        assertThat(html).doesNotContain("<script", "<b>", "alert('x')")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
                .contains("1.2.3&lt;b&gt;");
    }

    @Test
    void showsTheRuntimeAndOneRowPerCandidate() {
        String html = StatusPage.render(report(List.of(
                row("http://a:9090/prom", true, true, 7300.0, null),
                row("http://b:9090", false, false, null, "connection refused"))), "");
        assertThat(html).contains("<meta http-equiv=\"refresh\" content=\"10\">", "1h 2m", "minimum-history:1h",
                "<a href=\"http://a:9090/prom\"><code>http://a:9090/prom</code></a>", "2h 1m", "&#10003; selected",
                "dot ok", "dot bad", "connection refused", "10s", "cookies, ", "2026-11-22 04:00:00 UTC");
        assertThat(Pattern.compile("<tr><td><a href=").matcher(html).results().count()).isEqualTo(2);
    }

    @Test
    void showsWhatALocatorSkippedNextToItsError() {
        StatusReport.LocatorRow skipped = new StatusReport.LocatorRow("file:/e", 1, "2026-11-22T05:02:00Z",
                "2026-11-22T05:02:00Z", null, "2 lines skipped, first: line 3: 'x' is not an http(s) URL");
        StatusReport r = report(List.of());
        String html = StatusPage.render(new StatusReport(r.version(), r.startedAt(), r.uptimeSeconds(),
                r.strategy(), r.measures(), r.selectionInterval(), r.selectionIntervalSeconds(), r.affinityOptions(),
                r.selectedAt(), r.strategySatisfied(), r.busy(), r.selected(), r.live(), List.of(skipped),
                List.of()), "");
        assertThat(html).contains("<span class=\"skipped\">2 lines skipped, first: line 3: &#39;x&#39; is not");
    }

    @Test
    void selfContainedWithOnlyRelativeLinksToMpp() {
        String html = StatusPage.render(report(List.of(row("http://a:9090", true, true, 1.0, null))), "");
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<link")
                .doesNotContainIgnoringCase("<img").doesNotContainIgnoringCase("@import")
                .doesNotContainIgnoringCase("url(").doesNotContain("src=");
        Matcher links = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        List<String> own = links.results().map(m -> m.group(1)).filter(h -> !h.equals("http://a:9090")).toList();
        assertThat(own).containsExactly("status.json", "metrics", "health");
    }

    @Test
    void onlyHttpUrlsAreLinked() {
        String html = StatusPage.render(report(List.of(row("javascript:alert(1)", true, true, 1.0, null))), "");
        assertThat(html).doesNotContain("href=\"javascript");
    }

    @Test
    void refreshStaysBetweenFiveSecondsAndAMinute() {
        StatusReport fast = report(List.of());
        StatusReport r = new StatusReport(fast.version(), fast.startedAt(), 1, fast.strategy(), fast.measures(),
                "1s", 1, fast.affinityOptions(), fast.selectedAt(), false, false, 0, 0, fast.locators(), List.of());
        assertThat(StatusPage.render(r, "")).contains("content=\"5\"", "no backend: requests get 503",
                "No candidate");
        StatusReport slow = new StatusReport(fast.version(), fast.startedAt(), 1, fast.strategy(), fast.measures(),
                "5m", 300, fast.affinityOptions(), fast.selectedAt(), true, false, 0, 0, fast.locators(),
                List.of());
        assertThat(StatusPage.render(slow, "")).contains("content=\"60\"");
    }

    @Test
    void busyBackendsServingAreShownAsBusyNotAsDownOrAsTheStrategyNotMet() {
        StatusReport r = report(List.of());
        StatusReport.CandidateRow busy = new StatusReport.CandidateRow("http://a:9090", "file:e", true, false, true,
                null, null, null, null, null, "query 'count(up)': no answer within 2000 ms");
        StatusReport.CandidateRow hung = new StatusReport.CandidateRow("http://b:9090", "file:e", false, false,
                false, null, null, null, null, null, "query 'count(up)': no answer within 2000 ms");
        String html = StatusPage.render(new StatusReport(r.version(), r.startedAt(), r.uptimeSeconds(), r.strategy(),
                r.measures(), r.selectionInterval(), r.selectionIntervalSeconds(), r.affinityOptions(),
                r.selectedAt(), false, true, 1, 0, r.locators(), List.of(busy, hung)), "");
        assertThat(html).contains("<span class=\"pill warn\">busy backends serve: none answered the query in time",
                "1 of 2 backend(s) serving, 0 live, 1 busy", "<span class=\"dot warn\"></span>busy",
                "<span class=\"dot bad\"></span>down").doesNotContain("strategy not met");
    }

    @Test
    void numbersAndDurationsReadWell() {
        assertThat(StatusPage.number(1234567)).isEqualTo("1,234,567");
        assertThat(StatusPage.number(0.5)).isEqualTo("0.5000");
        assertThat(StatusPage.duration(45)).isEqualTo("45s");
        assertThat(StatusPage.duration(250)).isEqualTo("4m 10s");
        assertThat(StatusPage.duration(90061)).isEqualTo("1d 1h");
    }
}
