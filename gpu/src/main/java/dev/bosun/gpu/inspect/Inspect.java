package dev.bosun.gpu.inspect;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.nvml.Nvml;
import dev.bosun.gpu.smi.SmiXmlParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code bosun gpu inspect}: the local GPUs from NVML, or from {@code nvidia-smi -q -x} when NVML
 * cannot be used; a clear sentence and exit code {@value ExitCodes#UNAVAILABLE} when neither works.
 * Also a standalone main (the jar's Main-Class) for machines that have a JVM but no bosun CLI.
 */
public final class Inspect {

  /** What inspect found. */
  public sealed interface Outcome permits Found, NoGpu {}

  /**
   * A snapshot and the source it came from ("nvml" or "nvidia-smi"), with what that source could
   * not read.
   */
  public record Found(String source, NodeSnapshot snapshot, long unparsed, List<String> problems)
      implements Outcome {}

  /** No GPU: every reason, one per source tried. */
  public record NoGpu(List<String> reasons) implements Outcome {
    public String message() {
      return "no NVIDIA GPU found: " + String.join("; ", reasons);
    }
  }

  private Inspect() {}

  /** NVML first, nvidia-smi second. */
  public static Outcome inspect(Instant now) {
    return inspect(now, Nvml::open, Inspect::runNvidiaSmi);
  }

  static Outcome inspect(
      Instant now, Supplier<Nvml.Opening> nvml, Supplier<Parsed<String>> smiXml) {
    List<String> reasons = new ArrayList<>();
    Nvml.Opening opening = nvml.get();
    if (opening instanceof Nvml.Opened(Nvml lib)) {
      try (lib) {
        Parsed<NodeSnapshot> s = lib.snapshot(now);
        if (s.value().isPresent() && !s.value().get().gpus().isEmpty()) {
          return new Found("nvml", s.value().get(), s.unparsed(), s.problems());
        }
        reasons.add(
            "NVML: " + (s.value().isPresent() ? "no devices" : String.join(", ", s.problems())));
      }
    } else if (opening instanceof Nvml.Unavailable(String reason, _)) {
      reasons.add("NVML: " + reason);
    }
    Parsed<String> xml = smiXml.get();
    if (xml.value().isEmpty()) {
      reasons.add("nvidia-smi: " + String.join(", ", xml.problems()));
      return new NoGpu(reasons);
    }
    Parsed<NodeSnapshot> s = SmiXmlParser.parse(xml.value().get(), now);
    if (s.value().isPresent() && !s.value().get().gpus().isEmpty()) {
      return new Found("nvidia-smi", s.value().get(), s.unparsed(), s.problems());
    }
    reasons.add(
        "nvidia-smi: "
            + (s.value().isPresent() ? "no GPUs listed" : String.join(", ", s.problems())));
    return new NoGpu(reasons);
  }

  /**
   * Runs {@code nvidia-smi -q -x} with a timeout; a missing binary is a reason, not an exception.
   */
  public static Parsed<String> runNvidiaSmi() {
    try {
      Process p = new ProcessBuilder("nvidia-smi", "-q", "-x").redirectErrorStream(false).start();
      p.getOutputStream().close();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readNBytes(SmiXmlParser.MAX_CHARS + 1);
      }
      if (out.length > SmiXmlParser.MAX_CHARS) {
        p.destroyForcibly();
        return Parsed.failed(
            "printed more than the %d bytes read".formatted(SmiXmlParser.MAX_CHARS));
      }
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Parsed.failed("timed out after 30 s");
      }
      if (p.exitValue() != 0) return Parsed.failed("exited with " + p.exitValue());
      return Parsed.of(new String(out, StandardCharsets.UTF_8), 0, List.of());
    } catch (IOException e) {
      return Parsed.failed("not found on PATH");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Parsed.failed("interrupted");
    }
  }

  public static String render(Found found, String format) {
    return switch (format) {
      case "json" -> SnapshotJson.render(found.snapshot(), found.source());
      case "table" -> SnapshotTable.render(found.snapshot(), found.source());
      default ->
          throw new IllegalArgumentException(
              "unknown output format " + format + " (json or table)");
    };
  }

  /** {@code java -jar bosun-gpu.jar [-o json|table]}. */
  public static void main(String[] args) {
    String format = "table";
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("-o") || args[i].equals("--output")) && i + 1 < args.length)
        format = args[++i];
      else if (args[i].startsWith("-o")) format = args[i].substring(2);
      else {
        System.err.println("usage: inspect [-o json|table]");
        System.exit(ExitCodes.INVALID_INPUT);
      }
    }
    if (!format.equals("json") && !format.equals("table")) {
      System.err.println("unknown output format " + format + " (json or table)");
      System.exit(ExitCodes.INVALID_INPUT);
    }
    Outcome outcome = inspect(Instant.now());
    switch (outcome) {
      case Found f -> {
        System.out.print(render(f, format));
        if (f.unparsed() > 0)
          System.err.println("warning: " + f.unparsed() + " unreadable values: " + f.problems());
      }
      case NoGpu n -> {
        System.err.println(n.message());
        System.exit(ExitCodes.UNAVAILABLE);
      }
    }
  }
}
