package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.GpuClassification;
import dev.bosun.api.v1alpha1.GpuFaultClass;
import dev.bosun.api.v1alpha1.GpuHealthPolicySpec;
import dev.bosun.api.v1alpha1.XidOverride;
import dev.bosun.gpu.classify.FaultClass;
import dev.bosun.gpu.classify.GpuHealth;
import dev.bosun.gpu.classify.GpuHealthPolicy;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.KmsgCursorStore;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent without a cluster: sampling, the kernel log, /metrics and /healthz over real HTTP. */
class NodeAgentTest {

  static final String NODE = "gpu-node-0042";
  final HttpClient http = HttpClient.newHttpClient();
  final List<String> log = new CopyOnWriteArrayList<>();

  NodeAgent offline(Path state, Path kmsg) throws IOException {
    return AgentMain.build(
        new AgentOptions(
            NODE, null, 0, Duration.ofMillis(200), Duration.ofSeconds(60), 8, kmsg, state, true),
        log::add,
        null);
  }

  HttpResponse<String> get(NodeAgent agent, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesDcgmMetricsThatAStrictParserAcceptsAndReportsAXidFromTheKernelLog(@TempDir Path state)
      throws Exception {
    try (NodeAgent agent = offline(state, null).start()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(get(agent, "/healthz").statusCode()).isEqualTo(200));
      var metrics = get(agent, "/metrics");
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      var samples = PrometheusParser.parse(metrics.body());
      var util = samples.stream().filter(s -> s.name().equals("DCGM_FI_DEV_GPU_UTIL")).toList();
      assertThat(util).hasSize(8);
      assertThat(util.get(3).labels())
          .containsEntry("gpu", "3")
          .containsEntry("UUID", SimulatedGpuNode.uuidFor(NODE, 3))
          .containsEntry("device", "nvidia3")
          .containsEntry("modelName", SimulatedGpuNode.MODEL)
          .containsEntry("Hostname", NODE);
      assertThat(samples)
          .extracting(PrometheusParser.Sample::name)
          .contains(
              "DCGM_FI_DEV_FB_USED",
              "DCGM_FI_DEV_FB_FREE",
              "DCGM_FI_DEV_GPU_TEMP",
              "DCGM_FI_DEV_POWER_USAGE",
              "DCGM_FI_DEV_XID_ERRORS",
              "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
              "DCGM_FI_DEV_ROW_REMAP_FAILURE",
              "bosun_gpu_health",
              "bosun_agent_writes_total");

      var sim = ((GpuSource.SimulatedSource) agent.source()).node();
      sim.fallOffTheBus(5, Instant.now());

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                var after = PrometheusParser.parse(get(agent, "/metrics").body());
                assertThat(after)
                    .filteredOn(s -> s.name().equals("bosun_gpu_xid_errors_total"))
                    .singleElement()
                    .satisfies(
                        s -> {
                          assertThat(s.labels())
                              .containsEntry("code", "79")
                              .containsEntry("UUID", SimulatedGpuNode.uuidFor(NODE, 5));
                          assertThat(s.value()).isEqualTo(1);
                        });
              });
      var lost =
          PrometheusParser.parse(get(agent, "/metrics").body()).stream()
              .filter(s -> SimulatedGpuNode.uuidFor(NODE, 5).equals(s.labels().get("UUID")))
              .toList();
      assertThat(lost)
          .as("a lost GPU keeps its health and Xid series, and shows no stale readings")
          .anySatisfy(
              s -> {
                assertThat(s.name()).isEqualTo("bosun_gpu_health");
                assertThat(s.labels()).containsEntry("state", "unhealthy");
                assertThat(s.value()).isEqualTo(1);
              })
          .noneSatisfy(s -> assertThat(s.name()).isEqualTo("DCGM_FI_DEV_GPU_UTIL"));
      assertThat(agent.health().healthOf(SimulatedGpuNode.uuidFor(NODE, 5)))
          .isEqualTo(GpuHealth.UNHEALTHY);
      assertThat(agent.health().healthOf(SimulatedGpuNode.uuidFor(NODE, 4)))
          .isEqualTo(GpuHealth.HEALTHY);
      assertThat(get(agent, "/nothing").statusCode()).isEqualTo(404);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + agent.port() + "/metrics"))
                          .POST(HttpRequest.BodyPublishers.noBody())
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(405);
    }
  }

  @Test
  void aKernelLogFileIsTailedAndARestartDoesNotCountAFaultTwice(@TempDir Path state)
      throws Exception {
    Path kmsg = state.resolve("kmsg.log");
    String pci = "0000:2a:00";
    Files.writeString(kmsg, "6,1,100,-;Linux version 6.8.0\n");
    try (NodeAgent agent = offline(state, kmsg).start()) {
      agent.sampleNow();
      // Half a record, then the rest: nothing may be read from the half.
      Files.writeString(
          kmsg,
          "4,2,200,-;NVRM: Xid (PCI:" + pci + "): 48, pid='<unknown>', name=<unknown>, An uncorr",
          StandardOpenOption.APPEND);
      agent.sampleNow();
      assertThat(xid48(agent)).isZero();
      Files.writeString(
          kmsg,
          "ectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x1.\n"
              + "garbage \u0001 line\n",
          StandardOpenOption.APPEND);
      await().atMost(Duration.ofSeconds(5)).until(() -> xid48(agent) == 1);
      assertThat(agent.health().healthOf(SimulatedGpuNode.uuidFor(NODE, 1)))
          .isEqualTo(GpuHealth.UNHEALTHY);
      assertThat(PrometheusParser.parse(agent.metrics()))
          .filteredOn(
              s ->
                  s.name().equals("bosun_gpu_unparsed_input_total")
                      && "kmsg".equals(s.labels().get("source")))
          .singleElement()
          .satisfies(s -> assertThat(s.value()).isEqualTo(1));
    }
    try (NodeAgent again = offline(state, kmsg).start()) {
      again.sampleNow();
      again.sampleNow();
      assertThat(xid48(again)).as("the cursor skips what the first run read").isZero();
      assertThat(again.health().healthOf(SimulatedGpuNode.uuidFor(NODE, 1)))
          .isEqualTo(GpuHealth.HEALTHY);
    }
  }

  /** A clock the test moves. */
  static final class ManualClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-28T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void healthzFailsWhenSamplingStops() {
    var clock = new ManualClock();
    try (var agent =
        new NodeAgent(
            new NodeAgent.Settings(NODE, Duration.ofSeconds(1), Duration.ofSeconds(60), null),
            new GpuSource.SimulatedSource(
                new SimulatedGpuNode(NODE, 2, clock.now.minusSeconds(60), 1)),
            null,
            null,
            new NodeHealthTracker(XidClassifier.withDefaults()),
            null,
            GpuHolders.NONE,
            clock,
            log::add)) {
      assertThat(agent.healthz().problem()).isEqualTo("not started");
      agent.sampleNow();
      clock.now = clock.now.plusSeconds(10);
      assertThat(agent.healthz().problem()).as("10 s is within max(3 intervals, 10 s)").isNull();
      clock.now = clock.now.plusSeconds(1);
      assertThat(agent.healthz().problem()).isEqualTo("last sample 11 s ago");
      agent.sampleNow();
      assertThat(agent.healthz().problem()).isNull();
    }
  }

  @Test
  void aKernelLogThatCannotBeReadIsRetriedAndSaidOnHealthz(@TempDir Path state) throws Exception {
    var clock = new ManualClock();
    var sim = new SimulatedGpuNode(NODE, 2, clock.now.minusSeconds(60), 1);
    var readable = new AtomicBoolean();
    FaultIntake.KernelLogOpener kernelLog =
        wake ->
            KernelLog.polled(
                () -> {
                  if (!readable.get()) throw new IOException("Permission denied");
                  return sim.kmsg();
                },
                new KmsgCursorStore(state.resolve("kmsg.cursor")),
                "boot",
                "kmsg.log");
    try (var agent =
        new NodeAgent(
                new NodeAgent.Settings(
                    NODE,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(60),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                new GpuSource.SimulatedSource(sim),
                kernelLog,
                null,
                new NodeHealthTracker(XidClassifier.withDefaults()),
                null,
                GpuHolders.NONE,
                clock,
                log::add)
            .start()) {
      agent.sampleNow();
      var healthz = get(agent, "/healthz");
      assertThat(healthz.statusCode()).as("a restart would not help").isEqualTo(200);
      assertThat(healthz.body())
          .isEqualTo(
              """
              degraded
              cannot read the kernel log kmsg.log since 2026-11-28T10:00:00Z (Permission denied; \
              1 tries failed); next try at 2026-11-28T10:00:01Z
              """);
      assertThat(log).anySatisfy(l -> assertThat(l).startsWith("cannot read the kernel log"));

      sim.injectXid(0, 48, clock.now);
      readable.set(true);
      clock.now = clock.now.plusSeconds(1);
      agent.sampleNow();

      assertThat(get(agent, "/healthz").body()).isEqualTo("ok\n");
      assertThat(log).contains("reading the kernel log kmsg.log again");
      assertThat(agent.health().healthOf(SimulatedGpuNode.uuidFor(NODE, 0)))
          .isEqualTo(GpuHealth.UNHEALTHY);
    }
  }

  private static double xid48(NodeAgent agent) {
    return PrometheusParser.parse(agent.metrics()).stream()
        .filter(
            s ->
                s.name().equals("bosun_gpu_xid_errors_total")
                    && "48".equals(s.labels().get("code")))
        .mapToDouble(PrometheusParser.Sample::value)
        .sum();
  }

  @Test
  void followsThePolicyEveryReadPeriodAndKeepsItWhileTheApiServerIsAway() {
    var clock = new ManualClock();
    var overrides =
        new GpuHealthPolicySpec(
            new GpuClassification(
                List.of(new XidOverride(79, GpuFaultClass.IGNORE)), null, null, null, null),
            null,
            null,
            null,
            null,
            null);
    var withOverride = GpuHealthPolicy.defaults().withXidOverrides(Map.of(79, FaultClass.IGNORE));
    var inCluster = new AtomicReference<>(overrides);
    var reachable = new AtomicBoolean(true);
    NodeAgent.PolicySource policies =
        () -> {
          if (!reachable.get())
            throw new KubePublisher.PublishException("cannot reach the API server", null);
          return inCluster.get();
        };
    try (var agent =
        new NodeAgent(
            new NodeAgent.Settings(NODE, Duration.ofSeconds(1), Duration.ofSeconds(60), null),
            new GpuSource.SimulatedSource(
                new SimulatedGpuNode(NODE, 2, clock.now.minusSeconds(60), 1)),
            null,
            null,
            new NodeHealthTracker(XidClassifier.withDefaults()),
            policies,
            GpuHolders.NONE,
            clock,
            log::add)) {
      agent.sampleNow();
      assertThat(agent.policy()).as("read at the first pass").isEqualTo(withOverride);

      inCluster.set(null);
      clock.now = clock.now.plus(NodeAgent.POLICY_READ_EVERY).minusSeconds(1);
      agent.sampleNow();
      assertThat(agent.policy()).as("not read again before its period").isEqualTo(withOverride);
      clock.now = clock.now.plusSeconds(1);
      agent.sampleNow();
      assertThat(agent.policy()).as("the policy deleted").isEqualTo(GpuHealthPolicy.defaults());

      reachable.set(false);
      inCluster.set(overrides);
      for (int i = 0; i < 3; i++) {
        clock.now = clock.now.plus(NodeAgent.POLICY_READ_EVERY);
        agent.sampleNow();
      }
      assertThat(agent.policy()).isEqualTo(GpuHealthPolicy.defaults());
      assertThat(log)
          .as("said once, not every period")
          .containsOnlyOnce("cannot reach the API server; keeping the policy in force");

      reachable.set(true);
      clock.now = clock.now.plus(NodeAgent.POLICY_READ_EVERY);
      agent.sampleNow();
      assertThat(agent.policy()).isEqualTo(withOverride);
    }
  }
}
