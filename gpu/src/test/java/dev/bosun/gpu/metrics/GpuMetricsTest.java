package dev.bosun.gpu.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.XidTally;
import dev.bosun.gpu.model.EccCounts;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.PciAddress;
import dev.bosun.gpu.model.RemappedRows;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import dev.bosun.gpu.smi.SmiXmlParser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuMetricsTest {

  static final Instant NOW = Instant.parse("2026-11-28T01:00:00Z");
  static final NodeSnapshot REAL =
      SmiXmlParser.parse(Fixtures.h100("nvidia-smi-q.xml"), NOW).value().orElseThrow();
  static final String UUID = "GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94";

  static PrometheusFormat.Sample only(List<PrometheusFormat.Sample> samples, String name) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .reduce(
            (a, b) -> {
              throw new AssertionError("more than one " + name);
            })
        .orElseThrow(() -> new AssertionError("no " + name));
  }

  @Test
  void dcgmNamesLabelsAndValuesForTheRealH100() {
    XidTally xids = XidTally.EMPTY.record(UUID, 31).record(UUID, 43).record(UUID, 31);
    String text =
        GpuMetrics.render(
            REAL,
            new GpuMetrics.State(
                "gpu-node-1",
                Map.of(UUID, GpuHealth.HEALTHY),
                xids,
                Map.of("kmsg", 3L, "nvidia-smi", 0L)));
    List<PrometheusFormat.Sample> samples = PrometheusFormat.parse(text);

    PrometheusFormat.Sample util = only(samples, "DCGM_FI_DEV_GPU_UTIL");
    assertThat(util.labels())
        .extracting(l -> l[0])
        .containsExactly("gpu", "UUID", "pci_bus_id", "device", "modelName", "Hostname");
    assertThat(util.label("gpu")).isEqualTo("0");
    assertThat(util.label("UUID")).isEqualTo(UUID);
    assertThat(util.label("pci_bus_id")).isEqualTo("00000000:00:06.0");
    assertThat(util.label("device")).isEqualTo("nvidia0");
    assertThat(util.label("modelName")).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(util.label("Hostname")).isEqualTo("gpu-node-1");
    assertThat(only(samples, "DCGM_FI_DEV_FB_USED").value()).isEqualTo(0);
    assertThat(only(samples, "DCGM_FI_DEV_FB_FREE").value()).isEqualTo(81079);
    assertThat(only(samples, "DCGM_FI_DEV_GPU_TEMP").value()).isEqualTo(37);
    assertThat(only(samples, "DCGM_FI_DEV_POWER_USAGE").value()).isEqualTo(71.73);
    assertThat(only(samples, "DCGM_FI_DEV_XID_ERRORS").value())
        .as("the last Xid, as dcgm-exporter shows it")
        .isEqualTo(31);
    assertThat(only(samples, "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL").value()).isZero();
    assertThat(only(samples, "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS").value()).isZero();
    assertThat(only(samples, "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS").value()).isZero();
    assertThat(only(samples, "DCGM_FI_DEV_ROW_REMAP_FAILURE").value()).isZero();
    assertThat(samples.stream().filter(s -> s.name().equals("bosun_gpu_xid_errors_total")))
        .extracting(s -> s.label("code") + "=" + (long) s.value())
        .containsExactly("31=2", "43=1");
    assertThat(samples.stream().filter(s -> s.name().equals("bosun_gpu_health")))
        .extracting(s -> s.label("state") + "=" + (long) s.value())
        .containsExactly("healthy=1", "degraded=0", "unhealthy=0");
    assertThat(samples.stream().filter(s -> s.name().equals("bosun_gpu_unparsed_input_total")))
        .extracting(s -> s.label("source") + "=" + (long) s.value())
        .containsExactly("kmsg=3", "nvidia-smi=0");
    assertThat(text)
        .contains(
            "# TYPE DCGM_FI_DEV_XID_ERRORS gauge\n",
            "# TYPE DCGM_FI_DEV_ECC_DBE_VOL_TOTAL counter\n",
            "# TYPE DCGM_FI_DEV_ROW_REMAP_FAILURE gauge\n",
            "# TYPE bosun_gpu_xid_errors_total counter\n");
  }

  @Test
  void eightGpusKeepEachFamilyTogether() {
    SimulatedGpuNode node = SimulatedGpuNode.hgxH100("n1", NOW);
    node.rowRemapFailure(3, true);
    NodeSnapshot s = node.snapshot(NOW);
    List<PrometheusFormat.Sample> samples =
        PrometheusFormat.parse(
            GpuMetrics.render(
                s,
                new GpuMetrics.State(
                    "n1",
                    Map.of(s.gpus().get(3).uuid(), GpuHealth.UNHEALTHY),
                    XidTally.EMPTY,
                    Map.of())));
    assertThat(samples.stream().filter(x -> x.name().equals("DCGM_FI_DEV_GPU_TEMP"))).hasSize(8);
    assertThat(
            samples.stream()
                .filter(x -> x.name().equals("DCGM_FI_DEV_ROW_REMAP_FAILURE") && x.value() == 1))
        .singleElement()
        .extracting(x -> x.label("gpu"))
        .isEqualTo("3");
    assertThat(samples.stream().filter(x -> x.name().equals("bosun_gpu_health") && x.value() == 1))
        .extracting(x -> x.label("gpu") + ":" + x.label("state"))
        .contains("3:unhealthy", "0:healthy");
  }

  @Test
  void aHeldGpuCarriesItsPodsAndAFreeGpuNone() {
    SimulatedGpuNode node = SimulatedGpuNode.hgxH100("n1", NOW);
    NodeSnapshot s = node.snapshot(NOW);
    String held = s.gpus().get(2).uuid();
    String shared = s.gpus().get(5).uuid();
    List<PrometheusFormat.Sample> samples =
        PrometheusFormat.parse(
            GpuMetrics.render(
                s,
                new GpuMetrics.State(
                    "n1",
                    Map.of(),
                    XidTally.EMPTY.record(held, 13),
                    Map.of(),
                    Map.of(
                        held,
                        List.of(new GpuHolder("team-a", "trainer-0", "main")),
                        shared,
                        List.of(
                            new GpuHolder("team-b", "infer-0", null),
                            new GpuHolder("team-b", "infer-1", null))))));

    var util = samples.stream().filter(x -> x.name().equals("DCGM_FI_DEV_GPU_UTIL")).toList();
    assertThat(util).hasSize(9);
    assertThat(util)
        .filteredOn(x -> x.label("UUID").equals(held))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.labels())
                  .extracting(l -> l[0])
                  .containsExactly(
                      "gpu",
                      "UUID",
                      "pci_bus_id",
                      "device",
                      "modelName",
                      "Hostname",
                      "container",
                      "namespace",
                      "pod");
              assertThat(x.label("namespace") + "/" + x.label("pod") + "/" + x.label("container"))
                  .isEqualTo("team-a/trainer-0/main");
            });
    assertThat(util)
        .filteredOn(x -> x.label("UUID").equals(shared))
        .extracting(x -> x.label("namespace") + "/" + x.label("pod") + "/" + x.label("container"))
        .as("a series per holder; no container when the source does not name it")
        .containsExactlyInAnyOrder("team-b/infer-0/null", "team-b/infer-1/null");
    assertThat(util)
        .filteredOn(x -> !x.label("UUID").equals(held) && !x.label("UUID").equals(shared))
        .hasSize(6)
        .allSatisfy(x -> assertThat(x.label("pod")).isNull());
    assertThat(samples)
        .filteredOn(x -> x.name().equals("DCGM_FI_DEV_XID_ERRORS") && x.label("UUID").equals(held))
        .singleElement()
        .satisfies(x -> assertThat(x.label("pod")).isEqualTo("trainer-0"));
    assertThat(samples)
        .filteredOn(
            x ->
                (x.name().equals("bosun_gpu_xid_errors_total")
                        || x.name().equals("bosun_gpu_health"))
                    && x.label("pod") != null)
        .as("Bosun's per-GPU counters and health stay per GPU")
        .isEmpty();
  }

  @Test
  void labelValuesAreEscaped() {
    GpuSample odd =
        new GpuSample(
            new GpuIdentity(
                0, "GPU-1", "a \"quoted\" \\ name\nwith newline", PciAddress.of("0000:01:00.0")),
            null,
            null,
            40,
            null,
            null,
            EccCounts.ZERO,
            RemappedRows.NONE,
            null,
            null);
    String text =
        GpuMetrics.render(
            new NodeSnapshot(NOW, null, null, null, List.of(odd)),
            new GpuMetrics.State("host\"1", Map.of(), XidTally.EMPTY, Map.of()));
    assertThat(text)
        .contains(
            "modelName=\"a \\\"quoted\\\" \\\\ name\\nwith newline\"", "Hostname=\"host\\\"1\"");
    PrometheusFormat.Sample temp = only(PrometheusFormat.parse(text), "DCGM_FI_DEV_GPU_TEMP");
    assertThat(temp.label("modelName")).isEqualTo("a \"quoted\" \\ name\nwith newline");
  }

  @Test
  void xidsKnownOnlyByPciAddressCountForTheirGpu() {
    XidTally xids = XidTally.EMPTY.record(PciAddress.of("0000:00:06").toString(), 79);
    List<PrometheusFormat.Sample> samples =
        PrometheusFormat.parse(
            GpuMetrics.render(REAL, new GpuMetrics.State("h", Map.of(), xids, Map.of())));
    assertThat(only(samples, "DCGM_FI_DEV_XID_ERRORS").value()).isEqualTo(79);
    assertThat(only(samples, "bosun_gpu_xid_errors_total").label("code")).isEqualTo("79");
  }

  @Test
  void numbersRoundTrip() {
    assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(PrometheusText.number(3)).isEqualTo("3");
    assertThat(PrometheusText.number(71.73)).isEqualTo("71.73");
  }
}
