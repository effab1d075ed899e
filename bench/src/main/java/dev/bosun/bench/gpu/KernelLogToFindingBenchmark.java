package dev.bosun.bench.gpu;

import dev.bosun.gpu.classify.NodeHealth;
import dev.bosun.gpu.classify.NodeHealthTracker;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KernelLogParser;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Kernel log line to classified finding, the agent's hot path: strip the transport prefix, parse
 * the driver message, classify with the GPU's recent history and record it in the node's state
 * ({@link NodeHealthTracker#onFault}). SampleTime gives the latency distribution (p99 is the
 * issue's target: at most 10 ms).
 *
 * <p>Every line here is a Xid (the worst case: non-driver lines return earlier).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class KernelLogToFindingBenchmark {

  private List<String> lines;
  private int next;
  private KernelLogParser parser;
  private NodeHealthTracker tracker;
  private NodeHealth state;
  private Instant clock;

  @Setup
  public void setUp() {
    lines = KernelLogCorpus.lines(4096, 1, 7);
    parser = new KernelLogParser();
    tracker = new NodeHealthTracker(XidClassifier.withDefaults());
    state = NodeHealth.EMPTY;
    clock = Instant.parse("2026-11-28T00:00:00Z");
  }

  @Benchmark
  public void lineToFinding(Blackhole bh) {
    String line = lines.get(next++ & 4095);
    clock = clock.plusMillis(5);
    for (DriverFault fault : parser.acceptLine(line)) {
      NodeHealthTracker.Step step = tracker.onFault(state, fault, clock);
      state = step.state();
      bh.consume(step.findings());
    }
  }
}
