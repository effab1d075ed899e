package dev.bosun.bench.gpu;

import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.explain.Explain;
import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code bosun gpu explain} over 1,000,000 generated kernel log lines (kmsg, dmesg and syslog
 * mixed; one in {@code faultEvery} a Xid). The score is lines per second: one operation is one
 * line.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class ExplainThroughputBenchmark {

  static final int LINES = 1_000_000;

  @Param({"100"})
  public int faultEvery;

  private String input;
  private long faults;

  @Setup
  public void setUp() {
    input = String.join("\n", KernelLogCorpus.lines(LINES, faultEvery, 42)) + "\n";
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public long explainAMillionLines() throws IOException {
    CountingWriter out = new CountingWriter();
    Explain.Summary s =
        Explain.run(new StringReader(input), out, XidClassifier.withDefaults(), Instant.EPOCH);
    if (s.lines() != LINES) throw new IllegalStateException("read " + s.lines() + " lines");
    faults = s.faults();
    return out.chars + faults;
  }

  /** Swallows the JSON, counting it so the work cannot be optimised away. */
  static final class CountingWriter extends Writer {
    long chars;

    @Override
    public void write(char[] buf, int off, int len) {
      chars += len;
    }

    @Override
    public void write(String s) {
      chars += s.length();
    }

    @Override
    public void write(int c) {
      chars++;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
