package dev.bosun.bench.compiler;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Compiler;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.TierCatalog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compile throughput on one thread: one operation compiles one Workload (cycling through the
 * examples: Inference on DRA GPUs, a MIG slice, an indexed Training job, a CPU service).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgs = {"-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CompileBenchmark {
  private record Input(Workload workload, Tier tier) {}

  private final List<Input> inputs = new ArrayList<>();
  private int next;

  @Setup
  public void readExamples() throws IOException {
    TierCatalog tiers = TierCatalog.defaults();
    Path examples = Path.of(System.getProperty("bosun.examples", "examples"));
    try (Stream<Path> files = Files.list(examples)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Workload workload :
            ManifestReader.read(file.toString(), Files.readString(file))
                .objectsOf(Workload.class)) {
          inputs.add(new Input(workload, tiers.find(workload.getSpec().size()).orElseThrow()));
        }
      }
    }
    if (inputs.isEmpty()) {
      throw new IllegalStateException(
          "no Workloads in " + examples.toAbsolutePath() + "; run from the repository root");
    }
  }

  @Benchmark
  public List<HasMetadata> compileOneWorkload() {
    Input input = inputs.get(next++ % inputs.size());
    return Compiler.compile(input.workload(), input.tier(), null);
  }
}
