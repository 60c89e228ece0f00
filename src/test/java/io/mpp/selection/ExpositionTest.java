package io.mpp.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionTest {

    @Test
    void sumsEverySeriesOfAMetric() {
        Exposition.Parsed parsed = Exposition.parse("""
                # HELP prometheus_tsdb_head_samples_appended_total Total number of appended samples.
                # TYPE prometheus_tsdb_head_samples_appended_total counter
                prometheus_tsdb_head_samples_appended_total{type="float"} 1.5e+06
                prometheus_tsdb_head_samples_appended_total{type="histogram"} 250
                prometheus_tsdb_head_samples_appended_total_other 7
                """);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.sum("prometheus_tsdb_head_samples_appended_total")).isEqualTo(1_500_250.0);
        assertThat(parsed.has("prometheus_tsdb_head_samples_appended")).isFalse();
    }

    @Test
    void labelValuesWithSpacesEscapesAndBraces() {
        String line = "m{path=\"/a b/{c}\",msg=\"say \\\"hi\\\", then \\\\ go\\nnow\" , le = \"0.5\",} 3 1700000000000";
        assertThat(Exposition.sample(line)).satisfies(s -> {
            assertThat(s.name()).isEqualTo("m");
            assertThat(s.labels()).isEqualTo(Map.of("path", "/a b/{c}", "msg", "say \"hi\", then \\ go\nnow",
                    "le", "0.5"));
            assertThat(s.value()).isEqualTo(3.0);
        });
        Exposition.Parsed parsed = Exposition.parse(line + "\n");
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.families()).containsExactly(Map.entry("m", new Exposition.Family(1, 3.0)));
    }

    @Test
    void specialValuesAndExponents() {
        assertThat(Exposition.parseValue("NaN")).isNaN();
        assertThat(Exposition.parseValue("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Exposition.parseValue("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Exposition.parseValue("1.7e+09")).isEqualTo(1.7e9);
        assertThat(Exposition.parseValue("-2.5E-3")).isEqualTo(-0.0025);
        assertThat(Exposition.parseValue(".5")).isEqualTo(0.5);
        assertThatThrownBy(() -> Exposition.parseValue("1f")).hasMessageContaining("'1f' is not a number");
        assertThatThrownBy(() -> Exposition.parseValue("0x10")).hasMessageContaining("not a number");
    }

    @Test
    void nanSeriesAreLeftOutOfTheSumAndAllNanIsNoValue() {
        Exposition.Parsed parsed = Exposition.parse("a{x=\"1\"} NaN\na{x=\"2\"} 4\nb NaN\n");
        assertThat(parsed.sum("a")).isEqualTo(4.0);
        assertThat(parsed.sum("b")).isNaN();
        assertThat(parsed.sum("absent")).isNaN();
    }

    @Test
    void badLinesAreReportedWithTheirNumberAndSkipped() {
        Exposition.Parsed parsed = Exposition.parse("""
                good 1
                broken{a="unclosed} 2
                novalue
                {} 3
                also_good{a="b"} 2 123
                trailing 1 2 3
                """);
        assertThat(parsed.families()).containsOnlyKeys("good", "also_good");
        assertThat(parsed.errors()).hasSize(4);
        assertThat(parsed.errorCount()).isEqualTo(4);
        assertThat(parsed.errors().get(0)).startsWith("line 2: ");
        assertThat(parsed.errors().get(1)).startsWith("line 3: ").contains("'novalue' has no value");
        assertThat(parsed.errors().get(2)).startsWith("line 4: ").contains("metric name");
        assertThat(parsed.errors().get(3)).startsWith("line 6: ");
    }

    @Test
    void openMetricsExemplarsEofAndCrlf() {
        Exposition.Parsed parsed = Exposition.parse(
                "# TYPE c counter\r\nc_total{a=\"b\"} 17 # {trace_id=\"x y\"} 1 1.5\r\n# EOF\r\n");
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.sum("c_total")).isEqualTo(17.0);
    }

    @Test
    void emptyText() {
        assertThat(Exposition.parse("").families()).isEmpty();
        assertThat(Exposition.parse("\n\n").errors()).isEmpty();
    }
}
