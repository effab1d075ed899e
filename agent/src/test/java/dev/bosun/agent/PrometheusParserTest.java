package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The parser the agent's tests rely on must itself refuse what Prometheus refuses. */
class PrometheusParserTest {

  @Test
  void readsFamiliesLabelsAndEscapes() {
    var samples =
        PrometheusParser.parse(
            """
        # HELP a_total A.
        # TYPE a_total counter
        a_total{x="1",y="q\\"uote\\\\"} 2
        a_total{x="2"} 3.5e2
        b NaN
        """);
    assertThat(samples).hasSize(3);
    assertThat(samples.get(0).labels()).containsEntry("y", "q\"uote\\");
    assertThat(samples.get(1).value()).isEqualTo(350);
    assertThat(samples.get(2).value()).isNaN();
  }

  @Test
  void refusesWhatPrometheusRefuses() {
    assertThatThrownBy(() -> PrometheusParser.parse("a 1")).hasMessageContaining("newline");
    assertThatThrownBy(() -> PrometheusParser.parse("a{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n"))
        .hasMessageContaining("split");
    assertThatThrownBy(() -> PrometheusParser.parse("a{x=\"1\"} 1\na{x=\"1\"} 2\n"))
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> PrometheusParser.parse("a{x=\"1} 1\n"))
        .hasMessageContaining("unterminated");
    assertThatThrownBy(() -> PrometheusParser.parse("a{1x=\"1\"} 1\n"))
        .hasMessageContaining("label name");
    assertThatThrownBy(() -> PrometheusParser.parse("a one\n")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusParser.parse("a 1\n# TYPE a gauge\n"))
        .hasMessageContaining("after");
    assertThatThrownBy(() -> PrometheusParser.parse("a{x=\"\\t\"} 1\n"))
        .hasMessageContaining("escape");
  }
}
