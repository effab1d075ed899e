package dev.bosun.gpu.sim;

import dev.bosun.gpu.kernel.KmsgRecordSource;
import dev.bosun.gpu.model.ClockEventReasons;
import dev.bosun.gpu.model.EccCounts;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.MemoryUsage;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.PciAddress;
import dev.bosun.gpu.model.RemappedRows;
import dev.bosun.gpu.model.Utilisation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A node of simulated H100s for tests and the local fleet. Healthy values follow the real H100
 * fixture (driver 580.159.04, 81559 MiB, idle at ~70 W and 37 °C with clock-event reason "idle",
 * ~700 W and reason "software power cap" at full load). Faults are injected by hand and show up
 * where a real node shows them: Xids as kernel log records in the driver's format (read them
 * through {@link #kmsg()}, parse them with the real parser), ECC, row remapping and slowdown in the
 * next {@link #snapshot}.
 *
 * <p>Mutable and thread-safe (one lock): it stands for hardware, and hardware changes.
 */
public final class SimulatedGpuNode {

  public static final String MODEL = "NVIDIA H100 80GB HBM3";
  public static final String DRIVER = "580.159.04";
  public static final String NVML = "13.580.159.04";
  public static final String CUDA = "13.0";
  static final long TOTAL_MIB = 81559;
  static final long RESERVED_MIB = 480;
  private static final int[] HGX_BUSES = {0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb};

  private final String nodeName;
  private final Instant bootedAt;
  private final SplittableRandom random;
  private final List<SimGpu> gpus = new ArrayList<>();
  private final List<String> kernelLog = new ArrayList<>();
  private long nextSequence;

  private static final class SimGpu {
    final GpuIdentity identity;
    boolean present = true;
    boolean announced;
    int load;
    long usedMiB;
    EccCounts ecc = EccCounts.ZERO;
    RemappedRows rows = RemappedRows.NONE;
    boolean thermal;
    boolean powerBrake;

    SimGpu(GpuIdentity identity) {
      this.identity = identity;
    }
  }

  /**
   * What a simulated GPU's hardware and driver hold beyond its identity: whether NVML still sees
   * it, whether the driver has announced its UUID in the kernel log, and its error counters and
   * slowdowns. Load is left out: it is telemetry, not a fault.
   */
  public record GpuState(
      GpuIdentity identity,
      boolean present,
      boolean announced,
      EccCounts ecc,
      RemappedRows rows,
      boolean thermal,
      boolean powerBrake) {

    /** A GPU as the driver finds it at boot. */
    public static GpuState healthy(GpuIdentity identity) {
      return new GpuState(identity, true, false, EccCounts.ZERO, RemappedRows.NONE, false, false);
    }
  }

  /**
   * Everything needed to carry a node on in another process: its GPUs, when it booted, and the
   * sequence number of its next kernel log record, so that records written later follow the earlier
   * ones as a kernel's do.
   */
  public record State(Instant bootedAt, long nextSequence, List<GpuState> gpus) {
    public State {
      gpus = List.copyOf(gpus);
    }

    /** A freshly booted node with these GPUs. */
    public static State booted(Instant bootedAt, List<GpuIdentity> gpus) {
      return new State(bootedAt, FIRST_SEQUENCE, gpus.stream().map(GpuState::healthy).toList());
    }
  }

  private static final long FIRST_SEQUENCE = 1000;

  public SimulatedGpuNode(String nodeName, int gpuCount, Instant bootedAt, long seed) {
    this(nodeName, State.booted(bootedAt, hgxIdentities(nodeName, gpuCount)), seed);
  }

  /**
   * A node carried on from {@code state} (of this node, in this or another process); its kernel log
   * holds only what is logged from now on.
   */
  public SimulatedGpuNode(String nodeName, State state, long seed) {
    if (state.gpus().size() > 64) throw new IllegalArgumentException("at most 64 GPUs");
    this.nodeName = nodeName;
    this.bootedAt = state.bootedAt();
    this.nextSequence = state.nextSequence();
    this.random = new SplittableRandom(seed);
    for (GpuState s : state.gpus()) {
      SimGpu g = new SimGpu(s.identity());
      g.present = s.present();
      g.announced = s.announced();
      g.ecc = s.ecc();
      g.rows = s.rows();
      g.thermal = s.thermal();
      g.powerBrake = s.powerBrake();
      gpus.add(g);
    }
  }

  /** The GPUs of an HGX board, at its bus addresses, with {@link #uuidFor} UUIDs. */
  private static List<GpuIdentity> hgxIdentities(String nodeName, int gpuCount) {
    if (gpuCount < 0 || gpuCount > 64) throw new IllegalArgumentException("gpuCount must be 0..64");
    List<GpuIdentity> identities = new ArrayList<>();
    for (int i = 0; i < gpuCount; i++) {
      int bus = i < HGX_BUSES.length ? HGX_BUSES[i] : 0x10 + i * 3;
      identities.add(new GpuIdentity(i, uuidFor(nodeName, i), MODEL, new PciAddress(0, bus, 0, 0)));
    }
    return identities;
  }

  /** What another process needs to carry this node on: see {@link State}. */
  public synchronized State state() {
    return new State(
        bootedAt,
        nextSequence,
        gpus.stream()
            .map(
                g ->
                    new GpuState(
                        g.identity, g.present, g.announced, g.ecc, g.rows, g.thermal, g.powerBrake))
            .toList());
  }

  /** Eight H100s, the usual HGX board. */
  public static SimulatedGpuNode hgxH100(String nodeName, Instant bootedAt) {
    return new SimulatedGpuNode(nodeName, 8, bootedAt, nodeName.hashCode());
  }

  /** A stable UUID per node and index, shaped like NVML's. */
  public static String uuidFor(String nodeName, int index) {
    return "GPU-"
        + UUID.nameUUIDFromBytes((nodeName + "/" + index).getBytes(StandardCharsets.UTF_8));
  }

  public String nodeName() {
    return nodeName;
  }

  public synchronized List<GpuIdentity> identities() {
    return gpus.stream().map(g -> g.identity).toList();
  }

  public synchronized NodeSnapshot snapshot(Instant now) {
    List<GpuSample> samples = new ArrayList<>();
    for (SimGpu g : gpus) {
      if (!g.present) continue;
      double watts = 70.5 + g.load * 6.3 + random.nextDouble(-0.05, 0.05);
      int celsius = 37 + g.load / 5 + (g.thermal ? 50 : 0);
      long reasons =
          g.load == 0
              ? ClockEventReasons.GPU_IDLE
              : g.load >= 95 ? ClockEventReasons.SW_POWER_CAP : 0;
      if (g.thermal)
        reasons |= ClockEventReasons.SW_THERMAL_SLOWDOWN | ClockEventReasons.HW_THERMAL_SLOWDOWN;
      if (g.powerBrake)
        reasons |= ClockEventReasons.HW_SLOWDOWN | ClockEventReasons.HW_POWER_BRAKE_SLOWDOWN;
      samples.add(
          new GpuSample(
              g.identity,
              new MemoryUsage(TOTAL_MIB, g.usedMiB, TOTAL_MIB - RESERVED_MIB - g.usedMiB),
              new Utilisation(g.load, g.load == 0 ? 0 : Math.min(100, g.load / 3)),
              celsius,
              Math.round(watts * 100) / 100.0,
              new ClockEventReasons(reasons),
              g.ecc,
              g.rows,
              null,
              MigMode.DISABLED));
    }
    return new NodeSnapshot(now, DRIVER, NVML, CUDA, samples);
  }

  // --- load ------------------------------------------------------------------------------------

  /** Busy percent; at 95 % and above the GPU sits at its power cap, as the real trace shows. */
  public synchronized void load(int gpu, int percent, long usedMiB) {
    SimGpu g = gpu(gpu);
    g.load = Math.clamp(percent, 0, 100);
    g.usedMiB = Math.clamp(usedMiB, 0, TOTAL_MIB - RESERVED_MIB);
  }

  // --- faults ----------------------------------------------------------------------------------

  /**
   * Logs a Xid the way driver 580 does (announcing the GPU's UUID before its first Xid) and returns
   * the record. {@code detail} follows the code, e.g. {@code "pid=1201, name=torchrun, ..."}.
   */
  public synchronized String injectXid(int gpu, int code, String detail, Instant at) {
    SimGpu g = gpu(gpu);
    String pci = shortPci(g.identity.pci());
    if (!g.announced) {
      log(at, 4, "NVRM: GPU at PCI:" + pci + ": " + g.identity.uuid());
      g.announced = true;
    }
    return log(at, 4, "NVRM: Xid (PCI:" + pci + "): " + code + ", " + detail);
  }

  public String injectXid(int gpu, int code, Instant at) {
    return injectXid(gpu, code, "pid='<unknown>', name=<unknown>, injected by bosun simulator", at);
  }

  /** Xid 79 and the multi-line message, and the GPU disappears from the next snapshot. */
  public synchronized void fallOffTheBus(int gpu, Instant at) {
    SimGpu g = gpu(gpu);
    injectXid(gpu, 79, "pid='<unknown>', name=<unknown>, GPU has fallen off the bus.", at);
    log(
        at,
        3,
        "NVRM: The NVIDIA GPU "
            + g.identity.pci()
            + " (PCI ID: 10de:2330) installed in this system has");
    log(at, 3, "NVRM: fallen off the bus and is not responding to commands.");
    g.present = false;
  }

  /** The GPU is gone from NVML without a word in the kernel log. */
  public synchronized void removeGpu(int gpu) {
    gpu(gpu).present = false;
  }

  /**
   * Uncorrectable ECC errors (volatile and aggregate) grow by {@code count}; logs Xid 48 as the
   * driver would.
   */
  public synchronized void doubleBitEcc(int gpu, long count, Instant at) {
    SimGpu g = gpu(gpu);
    g.ecc =
        new EccCounts(
            g.ecc.volatileCorrected(),
            g.ecc.volatileUncorrected() + count,
            g.ecc.aggregateCorrected(),
            g.ecc.aggregateUncorrected() + count);
    injectXid(
        gpu,
        48,
        "pid='<unknown>', name=<unknown>, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at physAddr 0x%x."
            .formatted(random.nextLong(1L << 36)),
        at);
  }

  public synchronized void correctableEcc(int gpu, long count) {
    SimGpu g = gpu(gpu);
    g.ecc =
        new EccCounts(
            g.ecc.volatileCorrected() + count,
            g.ecc.volatileUncorrected(),
            g.ecc.aggregateCorrected() + count,
            g.ecc.aggregateUncorrected());
  }

  public synchronized void rowRemapPending(int gpu, boolean pending) {
    SimGpu g = gpu(gpu);
    g.rows =
        new RemappedRows(
            g.rows.correctable(),
            g.rows.uncorrectable() + (pending ? 1 : 0),
            pending,
            g.rows.failure());
  }

  public synchronized void rowRemapFailure(int gpu, boolean failure) {
    SimGpu g = gpu(gpu);
    g.rows =
        new RemappedRows(g.rows.correctable(), g.rows.uncorrectable(), g.rows.pending(), failure);
  }

  public synchronized void thermalSlowdown(int gpu, boolean on) {
    gpu(gpu).thermal = on;
  }

  public synchronized void powerBrake(int gpu, boolean on) {
    gpu(gpu).powerBrake = on;
  }

  /** A GPU reset: volatile ECC and pending remaps clear, slowdown ends, the GPU is back. */
  public synchronized void resetGpu(int gpu) {
    SimGpu g = gpu(gpu);
    g.ecc = new EccCounts(0, 0, g.ecc.aggregateCorrected(), g.ecc.aggregateUncorrected());
    g.rows =
        new RemappedRows(g.rows.correctable(), g.rows.uncorrectable(), false, g.rows.failure());
    g.thermal = false;
    g.powerBrake = false;
    g.present = true;
    g.load = 0;
    g.usedMiB = 0;
  }

  // --- the kernel log --------------------------------------------------------------------------

  public synchronized List<String> kernelLog() {
    return List.copyOf(kernelLog);
  }

  /**
   * A fresh reader of the simulated {@code /dev/kmsg}: like the real one it starts at the oldest
   * record; unlike it, it ends ({@link KmsgRecordSource.End}) instead of blocking.
   */
  public KmsgRecordSource kmsg() {
    return new KmsgRecordSource() {
      private int position;

      @Override
      public Read next() {
        synchronized (SimulatedGpuNode.this) {
          return position < kernelLog.size() ? new Record(kernelLog.get(position++)) : new End();
        }
      }

      @Override
      public void close() {}
    };
  }

  private String log(Instant at, int priority, String message) {
    long micros = Math.max(0, Duration.between(bootedAt, at).toNanos() / 1000);
    String record = priority + "," + nextSequence++ + "," + micros + ",-;" + message;
    kernelLog.add(record);
    return record;
  }

  /** The driver's Xid lines give domain:bus:device, without the function. */
  static String shortPci(PciAddress pci) {
    String full = pci.toString();
    return full.substring(0, full.lastIndexOf('.'));
  }

  private SimGpu gpu(int index) {
    if (index < 0 || index >= gpus.size())
      throw new IllegalArgumentException("no GPU " + index + " on " + nodeName);
    return gpus.get(index);
  }
}
