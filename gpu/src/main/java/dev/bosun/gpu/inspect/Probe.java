package dev.bosun.gpu.inspect;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.nvml.Nvml;
import dev.bosun.gpu.nvml.NvmlReturn;
import dev.bosun.gpu.nvml.Reading;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks on a real GPU that the unit tests cannot make: {@code events <ms>} registers for Xid and
 * ECC events and waits once; {@code timing <rounds>} times full NVML snapshots. For {@code
 * gpu/validate-on-gpu.sh}.
 */
public final class Probe {

  private Probe() {}

  public static void main(String[] args) {
    if (args.length != 2 || !(args[0].equals("events") || args[0].equals("timing"))) {
      System.err.println("usage: Probe events <wait-ms> | Probe timing <rounds>");
      System.exit(ExitCodes.INVALID_INPUT);
    }
    int n = Integer.parseInt(args[1]);
    switch (Nvml.open()) {
      case Nvml.Unavailable u -> {
        System.out.println("nvml: unavailable: " + u.reason());
        System.exit(ExitCodes.UNAVAILABLE);
      }
      case Nvml.Opened(Nvml nvml) -> {
        try (nvml) {
          if (args[0].equals("events")) events(nvml, n);
          else timing(nvml, n);
        }
      }
    }
  }

  private static void events(Nvml nvml, int waitMillis) {
    try (Nvml.EventWatch watch = nvml.watchXidAndEcc()) {
      System.out.println(
          "devices watched: " + watch.devicesWatched() + ", problems: " + watch.problems());
      long t0 = System.nanoTime();
      Reading<Optional<DriverFault>> r = watch.await(waitMillis);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (!r.ok())
        System.out.println("wait: " + NvmlReturn.name(r.status()) + " after " + ms + " ms");
      else
        System.out.println(
            "wait: "
                + r.value().map(DriverFault::toString).orElse("timeout, no event")
                + " after "
                + ms
                + " ms");
    }
  }

  private static void timing(Nvml nvml, int rounds) {
    Parsed<NodeSnapshot> first = nvml.snapshot(Instant.now());
    long t0 = System.nanoTime();
    long gpus = 0;
    for (int i = 0; i < rounds; i++)
      gpus += nvml.snapshot(Instant.now()).value().map(s -> s.gpus().size()).orElse(0);
    long us = (System.nanoTime() - t0) / 1000;
    System.out.printf(
        "snapshots: %d rounds, %d GPU readings, %.1f us per snapshot; first snapshot unparsed=%d %s%n",
        rounds, gpus, us / (double) rounds, first.unparsed(), first.problems());
    Runtime rt = Runtime.getRuntime();
    System.out.printf("heap used: %.1f MiB%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
  }
}
