package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpositionTest {
  private static final Set<String> WANTED = Set.of("vllm:num_requests_waiting", "up");

  @Test
  void readsVllmsExposition() {
    String body =
        """
        # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="0",model_name="llama"} 3.0
        vllm:num_requests_waiting{engine="1",model_name="llama"} 2 1700000000000
        vllm:num_requests_running{engine="0",model_name="llama"} 9.0
        up 1
        """;
    Exposition.Parsed parsed = Exposition.parse(body, WANTED);
    assertThat(parsed.samples())
        .containsExactly(
            new Exposition.Sample(
                "vllm:num_requests_waiting", Map.of("engine", "0", "model_name", "llama"), 3),
            new Exposition.Sample(
                "vllm:num_requests_waiting", Map.of("engine", "1", "model_name", "llama"), 2),
            new Exposition.Sample("up", Map.of(), 1));
    assertThat(parsed.sum("vllm:num_requests_waiting")).isEqualTo(5.0);
    assertThat(parsed.sum("vllm:num_requests_running")).as("not wanted, not kept").isNull();
    assertThat(parsed.skippedLines()).isZero();
    assertThat(parsed.truncated()).isFalse();
  }

  @Test
  void readsTheNodeAgentsExpositionKeepingOnlyGpusHeldByPods() {
    Exposition.Parsed parsed =
        Exposition.parse(AgentExposition.BODY, Set.of("DCGM_FI_DEV_GPU_UTIL"));
    assertThat(parsed.samples()).as("every GPU's series, and no other family").hasSize(4);
    assertThat(parsed.samples().getFirst().labels())
        .containsEntry("namespace", "team-a")
        .containsEntry("pod", "chat-7d9-x2")
        .containsEntry("modelName", "NVIDIA H100 80GB HBM3");
    assertThat(parsed.meanByPod("DCGM_FI_DEV_GPU_UTIL"))
        .as("the unheld GPU (99) counts for no pod")
        .isEqualTo(Map.of(AgentExposition.X2, 45.0, AgentExposition.K4, 20.0));
    assertThat(parsed.skippedLines()).isZero();
  }

  @Test
  void aGpuHeldByNoPodMayCarryEmptyLabels() {
    Exposition.Parsed parsed =
        Exposition.parse(
            """
            util{gpu="0",namespace="",pod=""} 90
            util{gpu="1",namespace="a",pod=""} 80
            util{gpu="2",pod="p"} 70
            util{gpu="3",namespace="a",pod="p"} NaN
            util{gpu="4",namespace="a",pod="p"} 10
            """,
            Set.of("util"));
    assertThat(parsed.samples()).hasSize(5);
    assertThat(parsed.meanByPod("util"))
        .as("only series with both labels, and finite values")
        .isEqualTo(Map.of(new PodKey("a", "p"), 10.0));
    assertThat(parsed.meanByPod("other")).isEmpty();
  }

  @Test
  void labelValuesKeepTheirEscapes() {
    Exposition.Parsed parsed =
        Exposition.parse("up{path=\"a\\\\b\",q=\"say \\\"hi\\\"\",n=\"x\\ny\"} 1\n", WANTED);
    assertThat(parsed.samples().getFirst().labels())
        .isEqualTo(Map.of("path", "a\\b", "q", "say \"hi\"", "n", "x\ny"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "up",
        "up{",
        "up{a=\"1\"",
        "up{a=1} 1",
        "up{a=\"1\",a=\"2\"} 1",
        "up{a=\"\\x\"} 1",
        "up 0x10",
        "up Infinity",
        "up 1d",
        "up 1 12ab",
        "up{a=\"1\"}1",
        "up1 1",
        "{a=\"1\"} 1",
        "9up 1",
      })
  void skipsALineItCannotRead(String line) {
    Exposition.Parsed parsed = Exposition.parse(line + "\nup{ok=\"1\"} 2\n", WANTED);
    long kept = parsed.samples().stream().filter(s -> s.labels().containsKey("ok")).count();
    assertThat(kept).as("the good line after it is still read").isEqualTo(1);
    if (!line.equals("up1 1")) {
      assertThat(parsed.skippedLines()).isEqualTo(1);
    }
  }

  @Test
  void specialValuesAreReadButNotSummed() {
    Exposition.Parsed parsed = Exposition.parse("up NaN\nup +Inf\nup -Inf\nup 2e0\n", WANTED);
    assertThat(parsed.samples()).hasSize(4);
    assertThat(parsed.sum("up")).isEqualTo(2.0);
  }

  @Test
  void stopsAtTheLineLimit() {
    String body = "up 1\n".repeat(Exposition.MAX_LINES + 5);
    Exposition.Parsed parsed = Exposition.parse(body, WANTED);
    assertThat(parsed.truncated()).isTrue();
    assertThat(parsed.samples()).hasSize(Exposition.MAX_LINES);
  }

  @Test
  void skipsAnOverlongLineAndCutsAnOversizedBody() {
    String longLine = "up{a=\"" + "x".repeat(Exposition.MAX_LINE_CHARS) + "\"} 1\n";
    Exposition.Parsed parsed = Exposition.parse(longLine + "up 2\n", WANTED);
    assertThat(parsed.skippedLines()).isEqualTo(1);
    assertThat(parsed.sum("up")).isEqualTo(2.0);

    String huge = "# " + "y".repeat(Exposition.MAX_BODY_CHARS) + "\nup 3\n";
    assertThat(Exposition.parse(huge, WANTED).truncated()).isTrue();
  }

  @Test
  void tooManyLabelsIsUnreadable() {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i <= Exposition.MAX_LABELS; i++) {
      labels.append(i == 0 ? "" : ",").append("l").append(i).append("=\"v\"");
    }
    Exposition.Parsed parsed = Exposition.parse("up{" + labels + "} 1\n", WANTED);
    assertThat(parsed.samples()).isEmpty();
    assertThat(parsed.skippedLines()).isEqualTo(1);
  }
}
