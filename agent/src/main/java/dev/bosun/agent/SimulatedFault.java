package dev.bosun.agent;

import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.time.Instant;

/**
 * A fault put on one GPU of a simulated node, or its end. Each is what the simulated hardware and
 * driver ({@link SimulatedGpuNode}) do about it: kernel log records in the driver's format, and
 * what NVML shows from then on.
 */
public sealed interface SimulatedFault {

  /** The highest Xid code NVIDIA's catalog names is below this; 999 is not a code. */
  int MAX_XID = 998;

  /** Changes {@code node} as the fault would, at {@code at}. */
  void applyTo(SimulatedGpuNode node, int gpu, Instant at);

  /** For people: what was injected. */
  String describe();

  /** The driver logs an Xid; NVML is unchanged. */
  record Xid(int code) implements SimulatedFault {
    public Xid {
      if (code < 1 || code > MAX_XID)
        throw new IllegalArgumentException("an Xid is 1 to " + MAX_XID + ", not " + code);
    }

    @Override
    public void applyTo(SimulatedGpuNode node, int gpu, Instant at) {
      node.injectXid(gpu, code, at);
    }

    @Override
    public String describe() {
      return "Xid " + code;
    }
  }

  /** An uncorrectable (double-bit) ECC error: NVML's counters grow and the driver logs Xid 48. */
  record DoubleBitEcc() implements SimulatedFault {
    @Override
    public void applyTo(SimulatedGpuNode node, int gpu, Instant at) {
      node.doubleBitEcc(gpu, 1, at);
    }

    @Override
    public String describe() {
      return "double-bit ECC error";
    }
  }

  /** Xid 79 and the driver's report, and the GPU is gone from NVML. */
  record FallOffTheBus() implements SimulatedFault {
    @Override
    public void applyTo(SimulatedGpuNode node, int gpu, Instant at) {
      node.fallOffTheBus(gpu, at);
    }

    @Override
    public String describe() {
      return "fallen off the bus";
    }
  }

  /**
   * A GPU reset: the GPU is back and its volatile counters are zero; the agent's recovery rules
   * decide when it is healthy again.
   */
  record Clear() implements SimulatedFault {
    @Override
    public void applyTo(SimulatedGpuNode node, int gpu, Instant at) {
      node.resetGpu(gpu);
    }

    @Override
    public String describe() {
      return "cleared (GPU reset)";
    }
  }
}
